package org.consentry.server.crypto;

import ca.uhn.fhir.batch2.model.JobDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.consentry.crypto.AesGcmFieldCipher;
import org.consentry.crypto.HmacSha256BlindIndex;
import org.consentry.crypto.KeyRing;
import org.consentry.crypto.KeystoreAccess;
import org.consentry.crypto.MasterKeystore;
import org.consentry.server.cluster.Generations;
import org.consentry.server.cluster.NodeSync;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.jobs.DurableJobs;
import org.consentry.server.jobs.ResourceChunks;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The encryption feature: the master keystore (opened at start, fail closed), data keys in
 * PostgreSQL, encryption and blind indexes on every write (HAPI's JPA interceptor service, after
 * the sensitivity labeller and after the guard that refuses client-written encryption markers),
 * decryption after consent (a REST server interceptor), searches on encrypted fields rewritten or
 * refused, and the key operations.
 */
@Configuration(proxyBeanMethods = false)
class CryptoConfig {

  @Bean
  MasterKeystore masterKeystore(CryptoProperties properties, Environment environment) {
    Path home =
        Path.of(
            environment.getProperty(
                "consentry.home", System.getProperty("user.home") + "/.consentry"));
    return new KeystoreAccess(
            properties.keystore() != null
                ? properties.keystore()
                : KeystoreAccess.defaultKeystore(home),
            properties.passphraseFile() != null
                ? properties.passphraseFile()
                : KeystoreAccess.defaultPassphraseFile(home),
            System.getenv())
        .open();
  }

  /** {@code generations}: the counters a destruction or rotation bumps exist before it. */
  @Bean
  JdbcDataKeyStore dataKeyStore(DataSource dataSource, Generations generations) {
    JdbcDataKeyStore store = new JdbcDataKeyStore(dataSource);
    store.createTables();
    return store;
  }

  @Bean
  KeyRing keyRing(MasterKeystore masterKeys, JdbcDataKeyStore store) {
    return KeyRing.builder(masterKeys, store).build();
  }

  /** A data key destroyed or rotated on another node is dropped from this node's cache. */
  @Bean
  NodeSync.Follower dataKeyFollower(JdbcDataKeyStore store, KeyRing keyRing) {
    return new NodeSync.Follower() {
      @Override
      public Generations.Topic topic() {
        return Generations.Topic.KEYS;
      }

      @Override
      public void changed(long seen, long now) {
        store.changedSince(seen, now).forEach(keyRing::invalidate);
      }
    };
  }

  @Bean
  BlindIndexTokens blindIndexTokens(MasterKeystore masterKeys) {
    return new BlindIndexTokens(HmacSha256BlindIndex.from(masterKeys));
  }

  @Bean
  FieldEncryptor fieldEncryptor(FhirContext fhir, KeyRing keyRing, CryptoProperties properties) {
    return new FieldEncryptor(
        fhir,
        new AesGcmFieldCipher(keyRing),
        new EncryptionPolicy(properties.encrypt(), properties.encryptRestricted()));
  }

  @Bean
  KeyOwners keyOwners(PatientCompartment compartment, DaoRegistry daos) {
    return new KeyOwners(compartment, daos);
  }

  /**
   * Fields, Bundle entries under their own owners' keys, contained resources, a patient's Binary
   * data.
   */
  @Bean
  ResourceEncryption resourceEncryption(
      FieldEncryptor fields, FhirContext fhir, KeyRing keyRing, KeyOwners owners) {
    FieldEncryptor binaryData =
        new FieldEncryptor(
            fhir,
            new AesGcmFieldCipher(keyRing),
            new EncryptionPolicy(List.of("Binary.data"), List.of()));
    return new ResourceEncryption(fields, binaryData, owners);
  }

  /**
   * Encryption is registered only when it is on; the guard against client-written markers and
   * decryption (below) always run, so stored ciphertext stays readable and cannot be replayed.
   */
  @Bean
  EncryptionInterceptor encryptionInterceptor(
      ResourceEncryption encryption,
      BlindIndexTokens tokens,
      FhirContext fhir,
      CryptoProperties properties,
      IInterceptorService interceptors,
      KeyOwners owners) {
    EncryptionInterceptor interceptor = new EncryptionInterceptor(encryption, tokens, owners);
    interceptors.registerInterceptor(new ServerMarkerGuard());
    if (properties.enabled()) {
      interceptors.registerInterceptor(interceptor);
      interceptors.registerInterceptor(new EncryptedSearchRules(tokens, fhir));
    }
    return interceptor;
  }

  @Bean
  Plaintext plaintext(ResourceEncryption encryption) {
    return new Plaintext(encryption);
  }

  @Bean
  DecryptionInterceptor decryptionInterceptor(ResourceEncryption encryption, FhirContext fhir) {
    return new DecryptionInterceptor(encryption, fhir);
  }

  @Bean
  KeyOperations keyOperations(
      KeyRing keyRing,
      MasterKeystore masterKeys,
      DaoRegistry daos,
      DurableJobs jobs,
      KeyAudit audit) {
    return new KeyOperations(keyRing, masterKeys, daos, jobs, audit);
  }

  /** Registered with Batch2 by HAPI, as every JobDefinition bean is. */
  @Bean
  JobDefinition<DataKeyRotationJob.Parameters> dataKeyRotationJobDefinition(
      DurableJobs jobs,
      ResourceChunks chunks,
      DaoRegistry daos,
      KeyRing keyRing,
      JdbcDataKeyStore store,
      ResourceEncryption encryption) {
    return DataKeyRotationJob.definition(jobs, chunks, daos, keyRing, store, encryption);
  }
}
