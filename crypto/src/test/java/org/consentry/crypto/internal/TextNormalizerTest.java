package org.consentry.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextNormalizerTest {

  @ParameterizedTest(name = "[{0}] -> [{1}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "\"  Smith \"         | smith",
        "SMITH               | smith",
        "\"Mary \t\n  Ann\"  | mary ann",
        "\"Mary\u00a0Ann\"   | mary ann",
        "ＳＭＩＴＨ          | smith",
        "ﬁnch                | finch",
        "Straße              | strasse",
        "STRASSE             | strasse",
        "Jose\u0301          | josé",
        "ΟΔΥΣΣΕΥΣ            | οδυσσευς",
        "οδυσσευσ            | οδυσσευς",
        "\"   \"             | \"\"",
      })
  void normalize_variantSpelling_givesCanonicalForm(String input, String expected) {
    assertThat(TextNormalizer.normalize(input)).isEqualTo(expected);
  }
}
