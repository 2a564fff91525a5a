package org.consentry.server.research;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;

/**
 * The eligible population of a study: the patients its cohort {@code Group} lists as members
 * ({@code Group.member.entity} references to Patients; members marked {@code inactive} left out).
 * Read as the server, since a cohort's members are who the study may ask, not whom the researcher
 * may see; consent decides that afterwards, patient by patient.
 */
final class Cohort {

  private final DaoRegistry daos;

  Cohort(DaoRegistry daos) {
    this.daos = daos;
  }

  /**
   * The bare ids of the eligible patients, in the Group's order.
   *
   * @throws UnprocessableEntityException (422) when the Group does not exist or has no Patient
   *     members
   */
  Set<String> eligible(Study study) {
    Group group;
    try {
      group =
          daos.getResourceDao(Group.class)
              .read(new IdType("Group", study.cohortGroupId()), new SystemRequestDetails());
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      throw new UnprocessableEntityException(
          "ResearchStudy/"
              + study.id()
              + " cannot be exported: its cohort Group/"
              + study.cohortGroupId()
              + " does not exist");
    }
    Set<String> patients = new LinkedHashSet<>();
    for (Group.GroupMemberComponent member : group.getMember()) {
      if (member.getInactive()) {
        continue;
      }
      IdType entity = new IdType(member.getEntity().getReference());
      if ("Patient".equals(entity.getResourceType()) && entity.hasIdPart()) {
        patients.add(entity.getIdPart());
      }
    }
    if (patients.isEmpty()) {
      throw new UnprocessableEntityException(
          "ResearchStudy/"
              + study.id()
              + " cannot be exported: its cohort Group/"
              + study.cohortGroupId()
              + " lists no Patient members (Group.member.entity)");
    }
    return patients;
  }
}
