package org.consentry.server.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.binary.BinarySecurityContextInterceptor;
import org.consentry.server.fhir.NotFound;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.ReadAccess;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseBinary;

/**
 * The files of a Bulk Data export are for the requester who asked for it: each output Binary
 * carries that requester's subject as its security context (set at kick-off by
 * {@link ConsentRules}), and anyone else reading it gets the 404 of a missing resource, since
 * the file holds what consent showed to its requester, not to them.
 */
final class ExportOutputAccess extends BinarySecurityContextInterceptor implements ServerInterceptor {

	static final String SYSTEM = ReadAccess.REQUESTER_SYSTEM;

	ExportOutputAccess(FhirContext fhir) {
		super(fhir);
	}

	@Override
	protected boolean securityContextIdentifierAllowed(String system, String value, RequestDetails request) {
		if (!SYSTEM.equals(system)) {
			return false;
		}
		Requester requester = Requesters.of(request).orElse(null);
		return requester == null || requester.subject().equals(value);
	}

	@Override
	protected void handleForbidden(IBaseBinary binary) {
		throw NotFound.of(binary.getIdElement());
	}
}
