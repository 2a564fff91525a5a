package org.consentry.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HmacSha256BlindIndexTest {

  private static final HexFormat HEX = HexFormat.of();
  private final BlindIndex index = HmacSha256BlindIndex.fromSecret(secret(1));

  static Stream<String[]> rfc4231() throws IOException {
    try (InputStream in =
        HmacSha256BlindIndexTest.class.getResourceAsStream("/kat/hmac-sha256-rfc4231.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII)
              .lines()
              .filter(line -> !line.startsWith("#") && !line.isBlank())
              .map(line -> line.split("\\|"))
              .toList()
              .stream();
    }
  }

  @ParameterizedTest(name = "RFC 4231 case {0}")
  @MethodSource("rfc4231")
  void hmacSha256_rfc4231Vector_matches(String testCase, String key, String data, String mac)
      throws Exception {
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(HEX.parseHex(key), "HmacSHA256"));
    byte[] out = hmac.doFinal(HEX.parseHex(data));
    assertThat(HEX.formatHex(out)).startsWith(mac);
    assertThat(mac.length()).isIn(32, 64);
  }

  @Test
  void token_spellingVariants_matchAfterNormalization() {
    String expected = index.token("Patient.name.family", "smith");
    assertThat(index.token("Patient.name.family", "  Smith ")).isEqualTo(expected);
    assertThat(index.token("Patient.name.family", "SMITH")).isEqualTo(expected);
    assertThat(index.token("Patient.name.family", "ＳＭＩＴＨ")).isEqualTo(expected);
    assertThat(index.token("Patient.name.family", "Mary  Ann"))
        .isEqualTo(index.token("Patient.name.family", "mary ann"));
  }

  @Test
  void token_differentValues_differ() {
    assertThat(index.token("Patient.name.family", "smith"))
        .isNotEqualTo(index.token("Patient.name.family", "smyth"));
  }

  @Test
  void token_sameValueInTwoDomains_differs() {
    assertThat(index.token("Patient.name.family", "jordan"))
        .isNotEqualTo(index.token("Patient.name.given", "jordan"));
    // the domain length is mixed in: moving characters between domain and value changes it
    assertThat(index.token("ab", "c")).isNotEqualTo(index.token("a", "bc"));
  }

  @Test
  void token_isShortBase64UrlAndStable() {
    String token = index.token("Patient.name.family", "smith");
    assertThat(token).hasSize(22).matches("[A-Za-z0-9_-]+");
    assertThat(HmacSha256BlindIndex.fromSecret(secret(1)).token("Patient.name.family", "smith"))
        .isEqualTo(token);
    assertThat(HmacSha256BlindIndex.fromSecret(secret(2)).token("Patient.name.family", "smith"))
        .isNotEqualTo(token);
  }

  @Test
  void token_fromKeystore_survivesKekRotation(@TempDir Path dir) {
    MasterKeystore keys = TestKeys.newKeystore(dir, "index");
    String before = HmacSha256BlindIndex.from(keys).token("Patient.identifier", "123-45-6789");
    keys.rotate();
    MasterKeystore reopened = MasterKeystore.open(keys.file(), TestKeys.PASSPHRASE);
    assertThat(HmacSha256BlindIndex.from(reopened).token("Patient.identifier", "123-45-6789"))
        .isEqualTo(before);
  }

  @Test
  void toString_hidesKey() {
    assertThat(index.toString()).contains("redacted");
  }

  private static byte[] secret(int seed) {
    byte[] secret = new byte[32];
    java.util.Arrays.fill(secret, (byte) seed);
    return secret;
  }
}
