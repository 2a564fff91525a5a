package org.consentry.server.research;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.consentry.server.fhir.PatientCompartment;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.StringType;

/**
 * The eligible population of a study: the patients its cohort {@code Group} names, by members or by
 * criteria.
 *
 * <ul>
 *   <li>members: {@code Group.member.entity} references to Patients (members marked {@code
 *       inactive} left out);
 *   <li>criteria: each extension {@value #CRITERIA} (valueString) is a FHIR search of a type of a
 *       patient's record, such as {@code Condition?code=http://snomed.info/sct|44054006} or {@code
 *       Patient?gender=female&birthdate=le1970}; the patients whose resources match are eligible,
 *       evaluated at every run. Identifying fields (names, identifiers, addresses) are stored
 *       encrypted and cannot be criteria; coded, numeric and date elements can.
 * </ul>
 *
 * Members and criteria add up. Read as the server, since a cohort is whom the study may ask, not
 * whom the researcher may see; consent decides that afterwards, patient by patient.
 */
final class Cohort {

  static final String CRITERIA = "http://consentry.org/fhir/StructureDefinition/cohort-criteria";
  private static final int PAGE = 1000;

  private final DaoRegistry daos;
  private final FhirContext fhir;
  private final MatchUrlService matchUrls;
  private final PatientCompartment compartment;
  private final ResearchTypes types;

  Cohort(
      DaoRegistry daos,
      FhirContext fhir,
      MatchUrlService matchUrls,
      PatientCompartment compartment,
      ResearchTypes types) {
    this.daos = daos;
    this.fhir = fhir;
    this.matchUrls = matchUrls;
    this.compartment = compartment;
    this.types = types;
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
    List<Extension> criteria = group.getExtensionsByUrl(CRITERIA);
    for (Extension criterion : criteria) {
      patients.addAll(matching(study, criterion));
    }
    if (patients.isEmpty() && criteria.isEmpty()) {
      throw new UnprocessableEntityException(
          "ResearchStudy/"
              + study.id()
              + " cannot be exported: its cohort Group/"
              + study.cohortGroupId()
              + " lists no Patient members (Group.member.entity) and no criteria (extension "
              + CRITERIA
              + ")");
    }
    return patients;
  }

  private Set<String> matching(Study study, Extension criterion) {
    String search =
        criterion.getValue() instanceof StringType value && value.getValue() != null
            ? value.getValue().trim()
            : "";
    int query = search.indexOf('?');
    String type = query < 0 ? search : search.substring(0, query);
    if (!types.contains(type)) {
      throw invalidCriteria(
          study,
          search,
          "it must be a search of a type of a patient's record, such as Condition?code=...");
    }
    SearchParameterMap map;
    try {
      map = matchUrls.translateMatchUrl(search, fhir.getResourceDefinition(type));
    } catch (InvalidRequestException e) {
      throw invalidCriteria(study, search, e.getMessage());
    }
    Set<String> owners = new LinkedHashSet<>();
    IBundleProvider results = daos.getResourceDao(type).search(map, new SystemRequestDetails());
    for (int from = 0; ; from += PAGE) {
      List<IBaseResource> page = results.getResources(from, from + PAGE);
      if (page.isEmpty()) {
        break;
      }
      page.forEach(found -> owners.addAll(compartment.owners(found)));
    }
    return owners;
  }

  private static UnprocessableEntityException invalidCriteria(
      Study study, String search, String why) {
    return new UnprocessableEntityException(
        "ResearchStudy/"
            + study.id()
            + " cannot be exported: the cohort criteria '"
            + search
            + "' of Group/"
            + study.cohortGroupId()
            + " are not usable: "
            + why);
  }
}
