package org.consentry.server.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.interceptor.binary.BinarySecurityContextInterceptor;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.ServerInterceptor;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseBinary;

/**
 * The files of a Bulk Data export are for the requester who asked for it: each output Binary
 * carries that requester's subject as its security context (set at kick-off by
 * {@link ConsentRules}), and anyone else reading it gets the 404 of a missing resource, since
 * the file holds what consent showed to its requester, not to them.
 *
 * <p>Only the server sets this security context: a client's write of a Binary that carries it
 * is refused (crypto's {@code ServerMarkerGuard}), and only a file that carries it is decrypted
 * as its requester downloads it (crypto's {@code DecryptionInterceptor}).
 */
public final class ExportOutputAccess extends BinarySecurityContextInterceptor implements ServerInterceptor {

	/** The {@code Binary.securityContext.identifier.system} of export files; the value is the requester's subject. */
	public static final String SYSTEM = "urn:consentry:export-requester";

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
		throw new ResourceNotFoundException(binary.getIdElement().toUnqualifiedVersionless());
	}
}
