package org.consentry.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeystoreAccessTest {

  @TempDir Path dir;

  @Test
  void missingKeystore_failsWithTheCommandThatFixesIt() {
    KeystoreAccess access =
        new KeystoreAccess(dir.resolve("none.bcfks"), dir.resolve("pass"), Map.of());
    assertThatThrownBy(access::open)
        .isInstanceOf(KeystoreAccess.KeystoreUnavailableException.class)
        .hasMessageContaining("./consentry keys init")
        .hasMessageNotContaining("\n");
  }

  @Test
  void wrongPassphrase_failsNamingWhereThePassphraseCameFrom() throws Exception {
    Path keystore = dir.resolve("k.bcfks");
    MasterKeystore.create(keystore, "the-right-passphrase".toCharArray());
    Files.writeString(dir.resolve("pass"), "the-right-passphrase\n");
    KeystoreAccess wrong =
        new KeystoreAccess(
            keystore,
            dir.resolve("pass"),
            Map.of(KeystoreAccess.PASSPHRASE_VARIABLE, "a-wrong-passphrase"));

    assertThatThrownBy(wrong::open)
        .isInstanceOf(KeystoreAccess.KeystoreUnavailableException.class)
        .hasMessageContaining(KeystoreAccess.PASSPHRASE_VARIABLE)
        .hasMessageNotContaining("a-wrong-passphrase");
    assertThat(new KeystoreAccess(keystore, dir.resolve("pass"), Map.of()).open().primaryVersion())
        .isEqualTo(1);
  }

  @Test
  void noPassphraseAnywhere_saysWhereToPutIt() throws Exception {
    Path keystore = dir.resolve("k.bcfks");
    MasterKeystore.create(keystore, "the-right-passphrase".toCharArray());
    assertThatThrownBy(new KeystoreAccess(keystore, dir.resolve("pass"), Map.of())::open)
        .hasMessageContaining(KeystoreAccess.PASSPHRASE_VARIABLE)
        .hasMessageContaining("pass");
  }
}
