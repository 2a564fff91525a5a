package org.consentry.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EncodingTest {

  private static final String NASTY = "a b|c,d:e$f/é\u0000🦄&=#%+";

  @Test
  void strictAndUsual_decodeBackToTheValue() {
    assertThat(Encoding.decodeLeniently(Encoding.strict(NASTY))).isEqualTo(NASTY);
    assertThat(Encoding.decodeLeniently(Encoding.usual(NASTY))).isEqualTo(NASTY);
    assertThat(Encoding.usual("http://loinc.org|8867-4")).isEqualTo("http://loinc.org|8867-4");
    assertThat(Encoding.strict("http://loinc.org|8867-4"))
        .isEqualTo("http%3A%2F%2Floinc.org%7C8867-4");
  }

  @Test
  void anyway_andSanitize_giveOnlyWhatARequestLineCanHold() {
    Dice dice = new Dice(5);
    for (int i = 0; i < 2000; i++) {
      String value = Encoding.anyway(Hostile.string(dice, 300), dice);
      assertThat(value).matches("[\\x21-\\x7e&&[^#]]*");
    }
    assertThat(Encoding.sanitize("/Patient/a b#c?x=é|%zz"))
        .isEqualTo("/Patient/a%20b%23c?x=%C3%A9|%zz");
  }

  @Test
  void decodeLeniently_leavesMalformedEscapesAlone() {
    assertThat(Encoding.decodeLeniently("%zz%4%41+%")).isEqualTo("%zz%4A %");
  }
}
