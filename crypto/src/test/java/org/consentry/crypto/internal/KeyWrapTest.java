package org.consentry.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KeyWrapTest {

  private final SecureRandom random = new SecureRandom();
  private final SecretKey kek = key();
  private final DataKey dataKey = new DataKey("patient-1", 3, key());

  @Test
  void unwrap_ofWrap_returnsSameKeyMaterial() throws AEADBadTagException {
    byte[] wrapped = KeyWrap.wrap(kek, 2, dataKey, random);
    DataKey back = KeyWrap.unwrap(kek, 2, "patient-1", 3, wrapped);
    assertThat(wrapped).hasSize(KeyWrap.WRAPPED_BYTES);
    assertThat(back.key().getEncoded()).isEqualTo(dataKey.key().getEncoded());
  }

  @Test
  void unwrap_underAnotherKeyIdVersionOrKek_fails() {
    byte[] wrapped = KeyWrap.wrap(kek, 2, dataKey, random);
    assertThatThrownBy(() -> KeyWrap.unwrap(kek, 2, "patient-2", 3, wrapped))
        .isInstanceOf(AEADBadTagException.class);
    assertThatThrownBy(() -> KeyWrap.unwrap(kek, 2, "patient-1", 4, wrapped))
        .isInstanceOf(AEADBadTagException.class);
    assertThatThrownBy(() -> KeyWrap.unwrap(kek, 1, "patient-1", 3, wrapped))
        .isInstanceOf(AEADBadTagException.class);
    assertThatThrownBy(() -> KeyWrap.unwrap(key(), 2, "patient-1", 3, wrapped))
        .isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void toString_ofDataKey_hidesMaterial() {
    assertThat(dataKey.toString()).doesNotContain("patient-1").contains("redacted");
  }

  private SecretKey key() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return new SecretKeySpec(b, "AES");
  }
}
