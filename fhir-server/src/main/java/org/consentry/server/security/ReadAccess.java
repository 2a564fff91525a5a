package org.consentry.server.security;

import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.security.GrantedScopes.Reach;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Whether a requester's scopes reach a resource that is about to be returned: the type must be
 * granted for read or search, and a grant through a {@code patient/} scope reaches only resources
 * of the patient's own compartment (and resources that belong to no patient, such as a
 * Practitioner or a ValueSet).
 */
public final class ReadAccess {

	private final PatientCompartment compartment;

	public ReadAccess(PatientCompartment compartment) {
		this.compartment = compartment;
	}

	/** @param owners the resource's compartment owners, as {@link PatientCompartment#owners} gives them */
	public boolean scopesReach(Requester requester, IBaseResource resource, Set<String> owners) {
		GrantedScopes scopes = GrantedScopes.of(requester.scopes());
		String type = resource.fhirType();
		Reach reach = max(scopes.reach(type, Interaction.READ), scopes.reach(type, Interaction.SEARCH));
		return switch (reach) {
			case ANY -> true;
			case NONE -> false;
			case PATIENT_COMPARTMENT -> owners.isEmpty() && !compartment.isPatientData(type)
					|| requester.patientId() != null && owners.contains(requester.patientId());
		};
	}

	private static Reach max(Reach a, Reach b) {
		return a.ordinal() >= b.ordinal() ? a : b;
	}
}
