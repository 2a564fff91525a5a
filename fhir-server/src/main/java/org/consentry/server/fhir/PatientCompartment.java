package org.consentry.server.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.LinkedHashSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Whose record a resource belongs to: the patients whose compartment (as the FHIR
 * CompartmentDefinition for Patient defines it) contains the resource. A Patient belongs to
 * itself; Practitioners, Organizations, terminology and the like belong to nobody.
 */
public final class PatientCompartment {

	private final FhirContext fhir;

	public PatientCompartment(FhirContext fhir) {
		this.fhir = fhir;
	}

	/** Bare ids ({@code "123"}) of the patients the resource belongs to; empty if none. */
	public Set<String> owners(IBaseResource resource) {
		String type = fhir.getResourceType(resource);
		Set<String> owners = new LinkedHashSet<>();
		if ("Patient".equals(type)) {
			IIdType id = resource.getIdElement();
			if (id != null && id.hasIdPart()) {
				owners.add(id.getIdPart());
			}
			// a Patient is also in the compartment of the patients it links to
		}
		FhirTerser terser = fhir.newTerser();
		for (IIdType owner : terser.getCompartmentOwnersForResource("Patient", resource, Set.of())) {
			if (owner.hasIdPart() && (!owner.hasResourceType() || "Patient".equals(owner.getResourceType()))) {
				owners.add(owner.getIdPart());
			}
		}
		return owners;
	}

	/** Whether a resource of this type can belong to a patient at all. */
	public boolean isPatientData(String resourceType) {
		return "Patient".equals(resourceType)
				|| !fhir.getResourceDefinition(resourceType)
						.getSearchParamsForCompartmentName("Patient")
						.isEmpty();
	}
}
