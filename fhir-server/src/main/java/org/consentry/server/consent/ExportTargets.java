package org.consentry.server.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.List;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.NotFound;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;

/**
 * The Patients and the Group an export kick-off names ({@code Patient/ID/$export}, {@code
 * Patient/$export?patient=ID}, {@code Group/ID/$export}) must be ones the requester can see. HAPI
 * checks that they exist, as the server, before it starts the job: a hidden one would start a job
 * (202) where a missing one answers 404, and a deleted one 410. This check runs first and gives all
 * three the one 404 of {@link NotFound}.
 */
final class ExportTargets {

  static final String PATIENT_PARAMETER = "patient";

  private final DaoRegistry daos;
  private final ConsentEnforcement enforcement;

  ExportTargets(DaoRegistry daos, ConsentEnforcement enforcement) {
    this.daos = daos;
    this.enforcement = enforcement;
  }

  /**
   * @throws ResourceNotFoundException the canonical 404 for the first target the requester cannot
   *     see
   */
  void requireVisible(RequestDetails request, Requester requester) {
    String type = request.getResourceName();
    if (!"Patient".equals(type) && !"Group".equals(type)
        || requester.kind() == Requester.Kind.RESEARCHER) {
      return; // a researcher's Group names a study's cohort: the research step decides
    }
    List<String> ids = new ArrayList<>();
    if (request.getId() != null && request.getId().hasIdPart()) {
      ids.add(request.getId().getIdPart());
    }
    if ("Patient".equals(type)) {
      ids.addAll(patientParameter(request));
    }
    for (String id : ids) {
      requireVisible(request, requester, type, id);
    }
  }

  private void requireVisible(RequestDetails request, Requester requester, String type, String id) {
    IBaseResource resource;
    try {
      resource = daos.getResourceDao(type).read(new IdType(type, id), new SystemRequestDetails());
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      throw NotFound.of(type, id);
    }
    if (!enforcement.decide(request, requester, resource)) {
      throw NotFound.of(type, id);
    }
  }

  /**
   * The bare ids of the {@code patient} parameter, from the URL and from a POSTed Parameters body.
   */
  private static List<String> patientParameter(RequestDetails request) {
    List<String> references = new ArrayList<>();
    String[] values =
        request.getParameters() == null ? null : request.getParameters().get(PATIENT_PARAMETER);
    if (values != null) {
      for (String value : values) {
        references.addAll(List.of(value.split(",")));
      }
    }
    if (request.getResource() instanceof Parameters body) {
      for (Parameters.ParametersParameterComponent parameter : body.getParameter()) {
        if (!PATIENT_PARAMETER.equals(parameter.getName())) {
          continue;
        }
        if (parameter.getValue() instanceof Reference reference) {
          references.add(reference.getReference());
        } else if (parameter.getValue() != null && parameter.getValue().isPrimitive()) {
          references.add(parameter.getValue().primitiveValue());
        }
      }
    }
    return references.stream()
        .filter(r -> r != null && !r.isBlank())
        .map(r -> new IdType(r.trim()).getIdPart())
        .filter(id -> id != null)
        .toList();
  }
}
