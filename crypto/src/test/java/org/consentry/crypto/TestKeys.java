package org.consentry.crypto;

import java.nio.file.Path;

/** Keystores for tests: BCFKS costs a PBKDF2 run per open, so tests share one per class. */
final class TestKeys {

  static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

  private TestKeys() {}

  static MasterKeystore newKeystore(Path dir, String name) {
    return MasterKeystore.create(dir.resolve(name + ".bcfks"), PASSPHRASE);
  }
}
