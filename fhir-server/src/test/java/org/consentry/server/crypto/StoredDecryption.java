package org.consentry.server.crypto;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.consentry.crypto.AesGcmFieldCipher;
import org.consentry.crypto.KeyRing;
import org.consentry.crypto.MasterKeystore;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.context.ApplicationContext;

/**
 * For tests of other features: decrypts stored resources the way the server does, but over any
 * database's data keys and any keystore file (a restored backup's), with the running server's
 * encryption policy.
 */
public final class StoredDecryption {

  private final FieldEncryptor fields;

  public StoredDecryption(
      ApplicationContext server, DataSource database, Path keystore, char[] passphrase) {
    CryptoProperties properties = server.getBean(CryptoProperties.class);
    KeyRing keyRing =
        KeyRing.builder(MasterKeystore.open(keystore, passphrase), new JdbcDataKeyStore(database))
            .build();
    fields =
        new FieldEncryptor(
            FhirContext.forR4Cached(),
            new AesGcmFieldCipher(keyRing),
            new EncryptionPolicy(properties.encrypt(), properties.encryptRestricted()));
  }

  /** Decrypts the resource's encrypted fields in place; returns how many there were. */
  public int decrypt(Resource resource) {
    return fields.decrypt(resource);
  }
}
