package org.consentry.server.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.consentry.consent.ConsentEngine;
import org.consentry.consent.PatientConsents;
import org.consentry.consent.ReferenceResolver;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Each patient's Consents, compiled once and kept until any Consent changes (see
 * {@link ConsentGeneration}). Loading reads the patient's Consents as the server itself, which
 * no consent check applies to.
 */
final class ConsentCache {

	/** Beyond this many patients the cache starts over; compiled consents are small and quick to rebuild. */
	private static final int MAX_PATIENTS = 50_000;
	private static final int MAX_CONSENTS_PER_PATIENT = 1_000;

	private final ConsentEngine engine;
	private final DaoRegistry daos;
	private final ConsentGeneration generation;
	private final Map<String, Tagged> compiled = new ConcurrentHashMap<>();

	/** Compiled consents with the generation they were read at: an entry from an older generation is stale. */
	private record Tagged(long generation, PatientConsents consents) {}

	ConsentCache(ConsentEngine engine, DaoRegistry daos, ConsentGeneration generation) {
		this.engine = engine;
		this.daos = daos;
		this.generation = generation;
	}

	/** The generation a request decides with: read once per request. */
	long currentGeneration() {
		return generation.current();
	}

	/** The patient's compiled consents as of that generation (read from the database if older). */
	PatientConsents consentsOf(String patientId, long asOf) {
		Tagged entry = compiled.get(patientId);
		if (entry != null && entry.generation() == asOf) {
			return entry.consents();
		}
		if (compiled.size() > MAX_PATIENTS) {
			compiled.clear();
		}
		PatientConsents loaded = load(patientId);
		compiled.put(patientId, new Tagged(asOf, loaded));
		return loaded;
	}

	/** After a Consent change committed: every node sees a new generation on its next request. */
	void invalidate() {
		generation.bump();
		compiled.clear();
	}

	private PatientConsents load(String patientId) {
		IFhirResourceDao<Consent> dao = daos.getResourceDao(Consent.class);
		SearchParameterMap query = SearchParameterMap.newSynchronous()
				.add(Consent.SP_PATIENT, new ReferenceParam("Patient/" + patientId));
		query.setLoadSynchronousUpTo(MAX_CONSENTS_PER_PATIENT);
		IBundleProvider found = dao.search(query, new SystemRequestDetails());
		List<Consent> consents = found.getAllResources().stream()
				.filter(Consent.class::isInstance)
				.map(Consent.class::cast)
				.toList();
		return engine.compile(patientId, consents, resolver());
	}

	/** For Consents whose data references mean "related": reads the referenced resource as the server. */
	private ReferenceResolver resolver() {
		return reference -> {
			try {
				IdType id = new IdType(reference);
				if (!id.hasResourceType() || !id.hasIdPart()) {
					return Optional.empty();
				}
				IBaseResource read = daos.getResourceDao(id.getResourceType()).read(id, new SystemRequestDetails());
				return Optional.of((Resource) read);
			} catch (RuntimeException notFound) {
				return Optional.empty();
			}
		};
	}
}
