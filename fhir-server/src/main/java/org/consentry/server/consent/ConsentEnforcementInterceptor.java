package org.consentry.server.consent;

import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import org.consentry.server.fhir.ServerInterceptor;

/** HAPI's consent interceptor, registered on the REST server with our service. */
final class ConsentEnforcementInterceptor extends ConsentInterceptor implements ServerInterceptor {

	ConsentEnforcementInterceptor(IConsentService service) {
		super(service);
	}
}
