package org.consentry.server.crypto;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import javax.sql.DataSource;
import org.consentry.crypto.AesGcmFieldCipher;
import org.consentry.crypto.HmacSha256BlindIndex;
import org.consentry.crypto.KeyRing;
import org.consentry.crypto.MasterKeystore;
import org.consentry.server.fhir.PatientCompartment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The encryption feature: the master keystore (opened at start, fail closed), data keys in
 * PostgreSQL, encryption and blind indexes on every write (HAPI's JPA interceptor service, after
 * the sensitivity labeller), decryption after consent (a REST server interceptor), searches on
 * encrypted fields rewritten or refused, and the key operations.
 */
@Configuration(proxyBeanMethods = false)
class CryptoConfig {

	@Bean
	MasterKeystore masterKeystore(CryptoProperties properties, Environment environment) {
		return KeystoreAccess.from(properties, environment).open();
	}

	@Bean
	JdbcDataKeyStore dataKeyStore(DataSource dataSource) {
		JdbcDataKeyStore store = new JdbcDataKeyStore(dataSource);
		store.createTables();
		return store;
	}

	@Bean
	KeyRing keyRing(MasterKeystore masterKeys, JdbcDataKeyStore store) {
		return KeyRing.builder(masterKeys, store).build();
	}

	@Bean
	BlindIndexTokens blindIndexTokens(MasterKeystore masterKeys) {
		return new BlindIndexTokens(HmacSha256BlindIndex.from(masterKeys));
	}

	@Bean
	FieldEncryptor fieldEncryptor(FhirContext fhir, KeyRing keyRing, CryptoProperties properties) {
		return new FieldEncryptor(fhir, new AesGcmFieldCipher(keyRing),
				new EncryptionPolicy(properties.encrypt(), properties.encryptRestricted()));
	}

	/** Registered only when encryption is on; decryption (below) always runs, so stored ciphertext stays readable. */
	@Bean
	EncryptionInterceptor encryptionInterceptor(
			FieldEncryptor fields, BlindIndexTokens tokens, FhirContext fhir, CryptoProperties properties,
			IInterceptorService interceptors, PatientCompartment compartment) {
		EncryptionInterceptor interceptor = new EncryptionInterceptor(fields, tokens, compartment);
		if (properties.enabled()) {
			interceptors.registerInterceptor(interceptor);
			interceptors.registerInterceptor(new EncryptedSearchRules(tokens, fhir));
		}
		return interceptor;
	}

	@Bean
	DecryptionInterceptor decryptionInterceptor(FieldEncryptor fields, FhirContext fhir) {
		return new DecryptionInterceptor(fields, fhir);
	}

	@Bean(destroyMethod = "shutdown")
	KeyOperations keyOperations(KeyRing keyRing, MasterKeystore masterKeys, DaoRegistry daos, JdbcDataKeyStore store,
			FieldEncryptor fields) {
		return new KeyOperations(keyRing, masterKeys, daos,
				keyIds -> new DataKeyRotationJob(daos, keyRing, store, fields, keyIds));
	}
}
