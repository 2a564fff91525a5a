package org.consentry.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyDepthTest {

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void jsonDepth_countsObjectsAndArrays_notBracketsInsideStrings() {
    assertThat(BodyDepth.jsonDepth(bytes("{\"a\":[{\"b\":1}]}"))).isEqualTo(3);
    assertThat(BodyDepth.jsonDepth(bytes("{\"a\":\"[[[[{{{{\"}"))).isEqualTo(1);
    assertThat(BodyDepth.jsonDepth(bytes("{\"a\":\"quote \\\" then [[[\"}"))).isEqualTo(1);
  }

  @Test
  void xmlDepth_countsElements_notDeclarationsCommentsOrClosedOnes() {
    assertThat(
            BodyDepth.xmlDepth(
                bytes(
                    "<?xml version=\"1.0\"?><!-- c --><Patient><name><family value=\"x\"/>"
                        + "</name><active value=\"true\"/></Patient>")))
        .isEqualTo(3);
  }

  @Test
  void exceeds_onlyBeyondTheLimit() {
    String atLimit = "[".repeat(BodyDepth.MAX) + "]".repeat(BodyDepth.MAX);
    String beyond = "[".repeat(BodyDepth.MAX + 1) + "]".repeat(BodyDepth.MAX + 1);
    assertThat(BodyDepth.exceeds(bytes(atLimit), false)).isFalse();
    assertThat(BodyDepth.exceeds(bytes(beyond), false)).isTrue();
    String deepXml = "<a>".repeat(BodyDepth.MAX + 1) + "</a>".repeat(BodyDepth.MAX + 1);
    assertThat(BodyDepth.exceeds(bytes(deepXml), true)).isTrue();
  }
}
