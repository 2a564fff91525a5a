package org.consentry.server.consent;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import java.util.Set;
import org.consentry.consent.ConsentEngine;
import org.consentry.consent.Decision;
import org.consentry.consent.Obligation;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.security.ReadAccess;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * The thin adapter between HAPI's consent hooks and the consent engine.
 *
 * <p>{@link #canSeeResource} runs early, as HAPI loads each resource for a read, a search page,
 * an include, history, {@code $everything}, a transaction response or a bulk export; a REJECT
 * there removes the resource before it is counted or returned, and a read of it answers 404, so
 * hidden data looks absent. It applies, in order: a Bulk Data export file is for its requester
 * only ({@link ExportOutputAccess#visibleTo}); the resource's owners from its content
 * ({@link PatientCompartment}); the token's scopes (type and patient compartment) and, for a
 * resource that belongs to no patient, the directory rule of {@link ReadAccess} (directory data
 * for all, anything else for system clients only); then for each owner, that patient's Consents (a
 * resource of several patients, such as a Bundle of their records, is shown only if every one of
 * them allows it). A provision that asks for REDACT hides the resource as well.
 */
final class ConsentEnforcement implements IConsentService, ReadDecision {

	private static final Obligation REDACT = Obligation.policy("REDACT");

	private final PatientCompartment compartment;
	private final ReadAccess readAccess;
	private final ConsentEngine engine;
	private final ConsentCache cache;
	private final AccessLog accessLog;

	ConsentEnforcement(
			PatientCompartment compartment, ReadAccess readAccess, ConsentEngine engine, ConsentCache cache,
			AccessLog accessLog) {
		this.compartment = compartment;
		this.readAccess = readAccess;
		this.engine = engine;
		this.cache = cache;
		this.accessLog = accessLog;
	}

	@Override
	public boolean shouldProcessCanSeeResource(RequestDetails request, IConsentContextServices services) {
		return Requesters.of(request).isPresent();
	}

	@Override
	public ConsentOutcome canSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices services) {
		Requester requester = Requesters.of(request).orElse(null);
		if (requester == null) {
			return ConsentOutcome.PROCEED;
		}
		if (decide(request, requester, resource)) {
			return ConsentOutcome.PROCEED;
		}
		if (request.getRestOperationType() == RestOperationTypeEnum.CREATE) {
			// a conditional create by a system client matched a resource it may not see: refuse, without
			// returning it (HAPI cannot drop the matched resource from a create's outcome)
			throw new PreconditionFailedException("the conditional create matched a resource that consent does not let"
					+ " this client see; create by id, or ask the patient");
		}
		return ConsentOutcome.REJECT;
	}

	/**
	 * A page of an earlier search ({@code _getpages}): HAPI decided its resources with
	 * {@link #canSeeResource} when the search ran, so they are decided again as they are shown, and a
	 * Consent changed since then applies to this page. Response Bundles themselves are not stored
	 * resources and are not decided.
	 */
	@Override
	public ConsentOutcome willSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices services) {
		if (request.getRestOperationType() != RestOperationTypeEnum.GET_PAGE || isResponseBundle(resource)) {
			return ConsentOutcome.PROCEED;
		}
		Requester requester = Requesters.of(request).orElse(null);
		return requester == null || decide(request, requester, resource) ? ConsentOutcome.PROCEED : ConsentOutcome.REJECT;
	}

	private static boolean isResponseBundle(IBaseResource resource) {
		return resource instanceof org.hl7.fhir.r4.model.Bundle bundle && !bundle.getMeta().hasVersionId();
	}

	@Override
	public boolean maySee(RequestDetails request, Requester requester, IBaseResource resource) {
		return decide(request, requester, resource);
	}

	/** Whether the requester may see the resource; records emergency overrides for the response and audit. */
	boolean decide(RequestDetails request, Requester requester, IBaseResource resource) {
		if (!ExportOutputAccess.visibleTo(resource, requester)) {
			return false; // another requester's export file
		}
		Set<String> owners = compartment.owners(resource);
		if (!readAccess.scopesReach(requester, resource, owners)) {
			return false;
		}
		if (owners.isEmpty() || !(resource instanceof Resource r)) {
			return true;
		}
		long generation = RequestState.generation(request, cache);
		for (String owner : owners) {
			if (requester.isPatient(owner)) {
				continue;
			}
			Decision decision = engine.decide(requester, r, cache.consentsOf(owner, generation));
			if (!decision.permitted() || decision.obligations().contains(REDACT)) {
				return false;
			}
			if (decision.emergencyOverride()) {
				RequestState.emergency(request, owner, decision);
				accessLog.emergency(requester, owner, r, decision);
			}
		}
		return true;
	}
}
