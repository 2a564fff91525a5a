package org.consentry.server.security;

import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.DirectoryTypes;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.security.GrantedScopes.Reach;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Identifier;

/**
 * Whether a requester's scopes reach a resource that is about to be returned, the first part of the
 * decision step (consent follows for resources that belong to patients):
 *
 * <ul>
 *   <li>the type must be granted for read or search;
 *   <li>a grant through a {@code patient/} scope reaches only resources that belong to the patient
 *       in context;
 *   <li>a resource that belongs to no patient reaches system clients, and everyone else only if its
 *       type is directory data ({@link DirectoryTypes}) or it is a file made for them (a Bulk Data
 *       export's output, bound to its requester by {@link #REQUESTER_SYSTEM});
 *   <li>a researcher reaches patient data only inside a study's research export, which acts for
 *       that study ({@code ResearchStudy/ID} among its actor references) and de-identifies what it
 *       writes; a researcher's own request never reaches a resource of a patient, whatever the
 *       patient's Consents permit.
 * </ul>
 */
public final class ReadAccess {

  /**
   * The identifier system of a Binary's security context that binds it to one requester's subject.
   */
  public static final String REQUESTER_SYSTEM = "urn:consentry:export-requester";

  /**
   * @param owners the resource's owners, as {@link PatientCompartment#owners} gives them
   */
  public boolean scopesReach(Requester requester, IBaseResource resource, Set<String> owners) {
    GrantedScopes scopes = GrantedScopes.of(requester.scopes());
    String type = resource.fhirType();
    Reach reach = max(scopes.reach(type, Interaction.READ), scopes.reach(type, Interaction.SEARCH));
    if (reach == Reach.NONE) {
      return false;
    }
    if (requester.kind() == Requester.Kind.AUDITOR) {
      return "AuditEvent".equals(type); // the trail, never patient data
    }
    if (owners.isEmpty()) {
      return requester.kind() == Requester.Kind.SYSTEM
          || DirectoryTypes.contains(type)
          || boundTo(requester, resource);
    }
    if (requester.kind() == Requester.Kind.RESEARCHER && !actsForStudy(requester)) {
      return false;
    }
    return reach == Reach.ANY
        || requester.patientId() != null && owners.contains(requester.patientId());
  }

  private static boolean actsForStudy(Requester requester) {
    return requester.actorReferences().stream().anyMatch(r -> r.startsWith("ResearchStudy/"));
  }

  private static boolean boundTo(Requester requester, IBaseResource resource) {
    if (resource instanceof org.hl7.fhir.r4.model.Subscription) {
      return Subscribers.visibleTo(resource, requester); // one's own Subscription
    }
    if (!(resource instanceof Binary binary)) {
      return false;
    }
    Identifier identifier = binary.getSecurityContext().getIdentifier();
    return REQUESTER_SYSTEM.equals(identifier.getSystem())
        && requester.subject().equals(identifier.getValue());
  }

  private static Reach max(Reach a, Reach b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }
}
