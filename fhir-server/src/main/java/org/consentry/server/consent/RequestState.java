package org.consentry.server.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.LinkedHashMap;
import java.util.Map;
import org.consentry.consent.Decision;

/** What consent enforcement remembers during one request, kept in the request's user data. */
final class RequestState {

	private static final String GENERATION = RequestState.class.getName() + ".generation";
	private static final String EMERGENCY = RequestState.class.getName() + ".emergency";

	private RequestState() {}

	/** The consent generation of this request: read from the database once per request. */
	static long generation(RequestDetails request, ConsentCache cache) {
		Object known = request.getUserData().get(GENERATION);
		if (known instanceof Long generation) {
			return generation;
		}
		long generation = cache.currentGeneration();
		request.getUserData().put(GENERATION, generation);
		return generation;
	}

	static void emergency(RequestDetails request, String patientId, Decision decision) {
		emergencies(request).putIfAbsent(patientId, decision);
	}

	/** Patients whose data this request reached through emergency access, with the overriding decision. */
	@SuppressWarnings("unchecked")
	static Map<String, Decision> emergencies(RequestDetails request) {
		return (Map<String, Decision>) request.getUserData().computeIfAbsent(EMERGENCY, k -> new LinkedHashMap<>());
	}
}
