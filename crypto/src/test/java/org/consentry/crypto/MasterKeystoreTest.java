package org.consentry.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeystoreTest {

  @TempDir Path dir;

  @Test
  void open_ofCreated_hasSameKeys() {
    MasterKeystore created = TestKeys.newKeystore(dir, "keys");
    MasterKeystore opened = MasterKeystore.open(dir.resolve("keys.bcfks"), TestKeys.PASSPHRASE);
    assertThat(opened.versions()).containsExactly(1);
    assertThat(opened.kek(1).getEncoded()).isEqualTo(created.kek(1).getEncoded());
    assertThat(opened.indexSecret().getEncoded())
        .isEqualTo(created.indexSecret().getEncoded())
        .isNotEqualTo(created.kek(1).getEncoded());
  }

  @Test
  void kek_ofAVersionRotatedByAnotherNode_isReadFromTheSharedFile() {
    MasterKeystore nodeA = TestKeys.newKeystore(dir, "keys");
    MasterKeystore nodeB = MasterKeystore.open(dir.resolve("keys.bcfks"), TestKeys.PASSPHRASE);
    int rotated = nodeA.rotate();
    assertThat(nodeB.versions()).containsExactly(1);
    assertThat(nodeB.kek(rotated).getEncoded()).isEqualTo(nodeA.kek(rotated).getEncoded());
    assertThat(nodeB.versions()).containsExactly(1, 2);
    assertThat(nodeB.kek(99)).isNull();
  }

  @Test
  void open_missingFile_saysHowToCreateIt() {
    Path missing = dir.resolve("nope.bcfks");
    assertThatThrownBy(() -> MasterKeystore.open(missing, TestKeys.PASSPHRASE))
        .isInstanceOf(MasterKeystoreException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("not found")
        .hasMessageContaining("keys init");
  }

  @Test
  void open_wrongPassphrase_saysPassphraseWithoutShowingIt() {
    TestKeys.newKeystore(dir, "keys");
    assertThatThrownBy(
            () ->
                MasterKeystore.open(
                    dir.resolve("keys.bcfks"), "wrong passphrase 123".toCharArray()))
        .isInstanceOf(MasterKeystoreException.class)
        .hasMessageContaining("passphrase is wrong")
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain("wrong passphrase 123")
                    .doesNotContain(new String(TestKeys.PASSPHRASE)));
  }

  @Test
  void open_notAKeystore_fails() throws IOException {
    Path junk = Files.writeString(dir.resolve("junk.bcfks"), "not a keystore");
    assertThatThrownBy(() -> MasterKeystore.open(junk, TestKeys.PASSPHRASE))
        .isInstanceOf(MasterKeystoreException.class)
        .hasMessageContaining("damaged");
  }

  @Test
  void create_existingFile_refusesToOverwrite() {
    MasterKeystore first = TestKeys.newKeystore(dir, "keys");
    assertThatThrownBy(() -> TestKeys.newKeystore(dir, "keys"))
        .isInstanceOf(MasterKeystoreException.class)
        .hasMessageContaining("already exists");
    MasterKeystore reopened = MasterKeystore.open(first.file(), TestKeys.PASSPHRASE);
    assertThat(reopened.kek(1).getEncoded()).isEqualTo(first.kek(1).getEncoded());
  }

  @Test
  void create_shortPassphrase_isRejected() {
    assertThatThrownBy(() -> MasterKeystore.create(dir.resolve("k"), "short".toCharArray()))
        .isInstanceOf(MasterKeystoreException.class)
        .hasMessageContaining("at least 12");
    assertThat(dir.resolve("k")).doesNotExist();
  }

  @Test
  void create_fileIsReadableByOwnerOnly() throws IOException {
    MasterKeystore created = TestKeys.newKeystore(dir, "keys");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created.file())))
        .isEqualTo("rw-------");
  }

  @Test
  void rotate_addsPrimaryVersionAndPersistsIt() {
    MasterKeystore keys = TestKeys.newKeystore(dir, "keys");
    byte[] v1 = keys.kek(1).getEncoded();
    byte[] index = keys.indexSecret().getEncoded();

    assertThat(keys.rotate()).isEqualTo(2);

    MasterKeystore reopened = MasterKeystore.open(keys.file(), TestKeys.PASSPHRASE);
    assertThat(reopened.primaryVersion()).isEqualTo(2);
    assertThat(reopened.versions()).containsExactly(1, 2);
    assertThat(reopened.kek(1).getEncoded()).isEqualTo(v1);
    assertThat(reopened.kek(2).getEncoded()).isNotEqualTo(v1);
    assertThat(reopened.indexSecret().getEncoded()).isEqualTo(index);
  }

  @Test
  void passphraseFromEnvironment_unsetVariable_saysWhichToSet() {
    assertThatThrownBy(() -> MasterKeystore.passphraseFromEnvironment("CONSENTRY_TEST_UNSET_42"))
        .isInstanceOf(MasterKeystoreException.class)
        .hasMessageContaining("CONSENTRY_TEST_UNSET_42");
  }

  @Test
  void toString_showsVersionsNotKeys() {
    MasterKeystore keys = TestKeys.newKeystore(dir, "keys");
    assertThat(keys.toString()).contains("[1]").doesNotContain(new String(TestKeys.PASSPHRASE));
  }
}
