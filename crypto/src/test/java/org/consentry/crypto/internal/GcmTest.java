package org.consentry.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GcmTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] NONE = new byte[0];

  record Vector(String name, byte[] key, byte[] iv, byte[] pt, byte[] aad, byte[] ct, byte[] tag) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Vector> nistVectors() throws IOException {
    List<Vector> vectors = new ArrayList<>();
    try (InputStream in =
        GcmTest.class.getResourceAsStream("/kat/gcmEncryptExtIV256-selection.rsp")) {
      String section = "";
      Map<String, String> fields = new HashMap<>();
      for (String raw : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        String line = raw.strip();
        if (line.startsWith("[PTlen")) {
          section = line;
        } else if (line.contains("=") && !line.startsWith("#") && !line.startsWith("[")) {
          String[] kv = line.split("=", 2);
          fields.put(kv[0].strip(), kv[1].strip());
          if (kv[0].strip().equals("Tag")) {
            vectors.add(
                new Vector(
                    section + " Count " + fields.get("Count"),
                    hex(fields.get("Key")),
                    hex(fields.get("IV")),
                    hex(fields.get("PT")),
                    hex(fields.get("AAD")),
                    hex(fields.get("CT")),
                    hex(fields.get("Tag"))));
            fields.clear();
          }
        }
      }
    }
    assertThat(vectors).hasSize(12);
    return vectors.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nistVectors")
  void encrypt_nistVector_matchesCiphertextAndTag(Vector v) {
    byte[] out = new byte[v.pt.length + Gcm.TAG_BYTES];
    Gcm.encrypt(key(v.key), v.iv, 0, v.aad, 0, v.aad.length, NONE, v.pt, 0, v.pt.length, out, 0);
    assertThat(HEX.formatHex(out)).isEqualTo(HEX.formatHex(v.ct) + HEX.formatHex(v.tag));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nistVectors")
  void decrypt_nistVector_returnsPlaintext(Vector v) throws AEADBadTagException {
    byte[] in = concat(v.ct, v.tag);
    byte[] out = new byte[v.pt.length];
    Gcm.decrypt(key(v.key), v.iv, 0, v.aad, 0, v.aad.length, NONE, in, 0, in.length, out, 0);
    assertThat(out).isEqualTo(v.pt);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nistVectors")
  void decrypt_nistVectorWithFlippedTagBit_fails(Vector v) {
    byte[] in = concat(v.ct, v.tag);
    in[in.length - 1] ^= 1;
    assertThatThrownBy(
            () ->
                Gcm.decrypt(
                    key(v.key),
                    v.iv,
                    0,
                    v.aad,
                    0,
                    v.aad.length,
                    NONE,
                    in,
                    0,
                    in.length,
                    new byte[v.pt.length],
                    0))
        .isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void encrypt_aadSplitInTwo_equalsAadInOne() {
    Vector v = nistVectorsUnchecked().filter(x -> x.aad.length == 90).findFirst().orElseThrow();
    byte[] out = new byte[v.pt.length + Gcm.TAG_BYTES];
    byte[] second = java.util.Arrays.copyOfRange(v.aad, 30, v.aad.length);
    Gcm.encrypt(key(v.key), v.iv, 0, v.aad, 0, 30, second, v.pt, 0, v.pt.length, out, 0);
    assertThat(out).isEqualTo(concat(v.ct, v.tag));
  }

  @Test
  void encryptDecrypt_inputOfManySlices_matchesOneShotJdkCipher() throws Exception {
    byte[] key = new byte[32];
    byte[] iv = new byte[12];
    byte[] pt = new byte[3 * Gcm.MAX_UPDATE + 123];
    new Random(7).nextBytes(pt);
    Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
    jdk.init(Cipher.ENCRYPT_MODE, key(key), new GCMParameterSpec(128, iv));
    byte[] expected = jdk.doFinal(pt);

    byte[] out = new byte[pt.length + Gcm.TAG_BYTES];
    Gcm.encrypt(key(key), iv, 0, NONE, 0, 0, NONE, pt, 0, pt.length, out, 0);
    byte[] back = new byte[pt.length];
    Gcm.decrypt(key(key), iv, 0, NONE, 0, 0, NONE, out, 0, out.length, back, 0);

    assertThat(out).isEqualTo(expected);
    assertThat(back).isEqualTo(pt);
  }

  private static Stream<Vector> nistVectorsUnchecked() {
    try {
      return nistVectors();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static SecretKey key(byte[] bytes) {
    return new SecretKeySpec(bytes, "AES");
  }

  private static byte[] hex(String s) {
    return s == null || s.isEmpty() ? new byte[0] : HEX.parseHex(s);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
