package org.consentry.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestGuardFilterTest {

  @ParameterizedTest(name = "{0}: NUL {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "{\"a\":\"x\\u0000y\"}; true",
        "{\"a\":\"x\\\\u0000y\"}; false",
        "{\"a\":\"x\\\\\\u0000y\"}; true",
        "{\"a\":\"\\u0041\"}; false",
        "{\"a\":\"plain\"}; false",
      })
  void nul_inBodies(String body, boolean nul) {
    assertThat(RequestGuardFilter.hasNul(body.getBytes(StandardCharsets.UTF_8))).isEqualTo(nul);
  }

  @ParameterizedTest(name = "{0}: well escaped {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "name=a%20b; true",
        "name=%C3%A9; true",
        "name=x%%C0%AF20y; false",
        "name=%2; false",
        "name=abc%; false",
        "name=%zz; false",
        "; true",
      })
  void percentEscapes(String query, boolean ok) {
    assertThat(RequestGuardFilter.wellEscaped(query)).isEqualTo(ok);
  }

  @org.junit.jupiter.api.Test
  void zeroByte_isNul() {
    assertThat(RequestGuardFilter.hasNul(new byte[] {'{', 0, '}'})).isTrue();
  }
}
