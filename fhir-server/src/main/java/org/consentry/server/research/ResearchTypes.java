package org.consentry.server.research;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.util.SearchParameterUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resource types a research export holds: the Patient compartment's types this server stores,
 * except what is about the record rather than the patient's health (Consent, AuditEvent,
 * Provenance), lists of patients (Group, List), the links between one person's identities (Person)
 * and their enrolment in other studies (ResearchSubject). Types outside a patient's record
 * (Practitioner, Organization, ...) are not exported, and references to them are removed from what
 * is.
 */
final class ResearchTypes {

  private static final Set<String> LEFT_OUT =
      Set.of(
          "Consent",
          "AuditEvent",
          "Provenance",
          "Group",
          "List",
          "Binary",
          "Person",
          "ResearchSubject");

  private final Set<String> all;
  private final IFhirSystemDao<?, ?> system;

  ResearchTypes(FhirContext fhir, DaoRegistry daos, IFhirSystemDao<?, ?> system) {
    this.system = system;
    Set<String> types = new TreeSet<>();
    for (String type : SearchParameterUtil.getAllResourceTypesThatAreInPatientCompartment(fhir)) {
      if (!LEFT_OUT.contains(type) && daos.isResourceTypeSupported(type)) {
        types.add(type);
      }
    }
    types.add("Patient");
    this.all = Set.copyOf(types);
  }

  /**
   * The types to export: those requested, or all that hold at least one resource (so that the job
   * does not query the dozens of types nobody stores).
   *
   * @throws InvalidRequestException (400) naming a requested type that a research export cannot
   *     hold
   */
  List<String> select(List<String> requested) {
    if (requested.isEmpty()) {
      return stored();
    }
    Set<String> selected = new TreeSet<>();
    for (String type : requested) {
      String trimmed = type.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!all.contains(trimmed)) {
        throw new InvalidRequestException(
            "_type "
                + trimmed
                + " is not exported for research: a research export holds the types of a"
                + " patient's record ("
                + String.join(", ", new TreeSet<>(all))
                + ")");
      }
      selected.add(trimmed);
    }
    if (selected.isEmpty()) {
      return stored();
    }
    return new ArrayList<>(selected);
  }

  private List<String> stored() {
    Set<String> present = new TreeSet<>(system.getResourceCounts().keySet());
    present.retainAll(all);
    present.add("Patient");
    return new ArrayList<>(present);
  }

  boolean contains(String type) {
    return all.contains(type);
  }
}
