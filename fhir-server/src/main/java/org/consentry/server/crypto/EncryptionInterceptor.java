package org.consentry.server.crypto;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.storage.IResourcePersistentId;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import java.util.Set;
import org.consentry.crypto.KeyDestroyedException;
import org.consentry.server.fhir.PatientCompartment;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts the policy's elements of every resource just before HAPI stores it, on every write
 * path that reaches storage (create, update, patch, conditional writes, transaction and batch
 * entries, internal writes, the importer). Registered with HAPI's JPA interceptor service with an
 * order after the sensitivity labeller (order 0), so a resource labelled restricted on this
 * write is already labelled. The resource object is changed in place, so HAPI's search indexes
 * and HFJ_RES_VER only ever see ciphertext; a Patient also gets its blind-index tokens.
 *
 * <p>Fail closed: if encryption fails nothing is stored. A write for a patient whose key was
 * erased answers 422; a server-side key failure (keystore, key store) answers 500.
 */
@Interceptor
final class EncryptionInterceptor {

	/** The key id of resources that belong to no patient (Practitioner, Organization, ...). */
	static final String SHARED_KEY_ID = "_shared";
	static final int ORDER = 100;
	private static final String TRANSACTION_BUNDLE = EncryptionInterceptor.class.getName() + ".bundle";
	private static final Logger LOG = LoggerFactory.getLogger(EncryptionInterceptor.class);

	private final FieldEncryptor fields;
	private final BlindIndexTokens tokens;
	private final PatientCompartment compartment;

	EncryptionInterceptor(FieldEncryptor fields, BlindIndexTokens tokens, PatientCompartment compartment) {
		this.fields = fields;
		this.tokens = tokens;
		this.compartment = compartment;
	}

	/** Keeps the transaction Bundle at hand: its entries tell which patient a {@code urn:uuid:} reference is. */
	@Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
	public void transaction(IBaseBundle bundle, RequestDetails request) {
		if (request != null) {
			request.getUserData().put(TRANSACTION_BUNDLE, bundle);
		}
	}

	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = ORDER)
	public void created(IBaseResource resource, TransactionDetails transaction, RequestDetails request) {
		encrypt(resource, transaction, request, false);
	}

	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = ORDER)
	public void updated(IBaseResource previous, IBaseResource resource, TransactionDetails transaction, RequestDetails request) {
		encrypt(resource, transaction, request, true);
	}

	private void encrypt(IBaseResource stored, TransactionDetails transaction, RequestDetails request, boolean update) {
		if (!(stored instanceof Resource resource)) {
			return;
		}
		String keyId = keyId(resource, transaction, request);
		try {
			if (update) {
				// a patch or a re-encryption starts from the stored form: back to plaintext first,
				// so blind-index tokens are computed from it and every field is encrypted afresh
				fields.decrypt(resource);
			}
			List<Identifier> patientTokens = resource instanceof Patient patient ? tokens.tokensOf(patient) : List.of();
			fields.encrypt(resource, keyId);
			if (resource instanceof Patient patient) {
				patientTokens.forEach(patient::addIdentifier);
			}
		} catch (KeyDestroyedException e) {
			throw new UnprocessableEntityException("The record of Patient/" + keyId + " was erased ($erase): "
					+ "its data can no longer be written");
		} catch (RuntimeException e) {
			LOG.error("encrypting {}/{} failed; nothing was stored", resource.fhirType(), resource.getIdElement().getIdPart(), e);
			throw new InternalErrorException("Encryption failed on the server (key store or keystore); nothing was stored");
		}
	}

	/** The owning patient's id, or the shared key id for data that belongs to no patient. */
	String keyId(Resource resource, TransactionDetails transaction, RequestDetails request) {
		if (resource instanceof Patient) {
			String id = resource.getIdElement().getIdPart();
			if (id == null) {
				throw new InternalErrorException("a Patient reached storage without an id: cannot choose its key");
			}
			return id;
		}
		Set<String> owners = compartment.owners(resource);
		if (owners.isEmpty()) {
			return SHARED_KEY_ID;
		}
		String owner = owners.iterator().next();
		if (owner.startsWith("urn:")) {
			return resolve(owner, resource, transaction, request);
		}
		return owner;
	}

	/**
	 * A patient referenced as {@code urn:uuid:} inside a transaction: HAPI replaces such
	 * references only after storing every entry, so look the patient up in the transaction Bundle
	 * itself (HAPI gives each entry's resource its id as it stores it, and a PUT entry has it from
	 * the start).
	 */
	private static String resolve(String owner, Resource resource, TransactionDetails transaction, RequestDetails request) {
		IResourcePersistentId<?> pid = transaction == null ? null : transaction.getResolvedResourceId(new IdType(owner));
		if (pid != null && pid.getAssociatedResourceId() != null && pid.getAssociatedResourceId().hasIdPart()) {
			return pid.getAssociatedResourceId().getIdPart();
		}
		Object inRequest = request == null ? null : request.getUserData().get(TRANSACTION_BUNDLE);
		if (inRequest instanceof Bundle bundle) {
			for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
				if (owner.equals(entry.getFullUrl()) && entry.getResource() instanceof Patient patient) {
					String id = patient.getIdElement().getIdPart();
					if (id != null && !id.startsWith("urn:") && !patient.getIdElement().getValue().startsWith("urn:")) {
						return id;
					}
					if (entry.getRequest().hasUrl() && entry.getRequest().getUrl().startsWith("Patient/")) {
						return new IdType(entry.getRequest().getUrl()).getIdPart();
					}
				}
			}
		}
		throw new InvalidRequestException("The patient of this " + resource.fhirType() + " (" + owner + ") is not stored"
				+ " yet in this transaction: list the Patient entry before the entries that reference it");
	}
}
