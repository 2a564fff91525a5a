package org.consentry.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Known answers from RFC 5869 appendix A (HMAC-SHA-256 cases). */
class HkdfTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void sha256_rfc5869TestCase1_matchesOkm() {
    byte[] okm =
        Hkdf.sha256(
            HEX.parseHex("0b".repeat(22)),
            HEX.parseHex("000102030405060708090a0b0c"),
            HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"),
            42);
    assertThat(HEX.formatHex(okm))
        .isEqualTo(
            "3cb25f25faacd57a90434f64d0362f2a"
                + "2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void sha256_rfc5869TestCase3WithoutSaltAndInfo_matchesOkm() {
    byte[] okm = Hkdf.sha256(HEX.parseHex("0b".repeat(22)), null, new byte[0], 42);
    assertThat(HEX.formatHex(okm))
        .isEqualTo(
            "8da4e775a563c18f715f802a063c5a31"
                + "b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  }
}
