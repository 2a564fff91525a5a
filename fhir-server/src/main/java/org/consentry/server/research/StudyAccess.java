package org.consentry.server.research;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.List;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.NotFound;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ResearchStudy;

/**
 * Which study a researcher's export is for, and whether they may run it: a researcher runs the
 * exports of the studies that name them ({@link Study#RESEARCHER}), by the study's id or by its
 * cohort Group's id. A study is directory data (anyone may read it), so a study that exists but
 * does not name the researcher answers 403, saying so; a missing one 404.
 */
final class StudyAccess {

  private final DaoRegistry daos;

  StudyAccess(DaoRegistry daos) {
    this.daos = daos;
  }

  /**
   * The study with this id, for this researcher.
   *
   * @throws ResourceNotFoundException (404) if there is none
   * @throws ForbiddenOperationException (403) if it does not name the researcher
   */
  Study byId(RequestDetails request, Requester researcher, String studyId) {
    ResearchStudy found;
    try {
      found =
          daos.getResourceDao(ResearchStudy.class)
              .read(new IdType("ResearchStudy", studyId), new SystemRequestDetails());
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      throw NotFound.of("ResearchStudy", studyId);
    }
    Study study = Study.of(found);
    requireNamed(request, researcher, study);
    return study;
  }

  /**
   * The one active study of this researcher whose cohort is the Group.
   *
   * @throws ResourceNotFoundException (404) if no study has that cohort (as for a Group the
   *     researcher cannot see)
   * @throws ForbiddenOperationException (403) if none of them names the researcher, or several do
   */
  Study byCohort(RequestDetails request, Requester researcher, String groupId) {
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.add(ResearchStudy.SP_STATUS, new ca.uhn.fhir.rest.param.TokenParam("active"));
    List<IBaseResource> studies =
        daos.getResourceDao(ResearchStudy.class)
            .search(map, new SystemRequestDetails())
            .getAllResources();
    List<Study> withCohort = new ArrayList<>();
    for (IBaseResource resource : studies) {
      ResearchStudy candidate = (ResearchStudy) resource;
      boolean enrols =
          candidate.getEnrollment().stream()
              .anyMatch(
                  r ->
                      new ReferenceParam(r.getReference()).getIdPart().equals(groupId)
                          && "Group".equals(r.getReferenceElement().getResourceType()));
      if (enrols) {
        withCohort.add(Study.of(candidate));
      }
    }
    if (withCohort.isEmpty()) {
      throw NotFound.of("Group", groupId);
    }
    String username = Requesters.username(request).orElse(null);
    List<Study> mine =
        withCohort.stream().filter(s -> s.names(username, researcher.subject())).toList();
    if (mine.isEmpty()) {
      throw new ForbiddenOperationException(
          "no study that names you as a researcher has Group/"
              + groupId
              + " as its cohort: ask the study's owner to add you (extension "
              + Study.RESEARCHER
              + ")");
    }
    if (mine.size() > 1) {
      throw new ForbiddenOperationException(
          "several of your studies have Group/"
              + groupId
              + " as their cohort ("
              + String.join(", ", mine.stream().map(Study::reference).toList())
              + "): export with ResearchStudy/ID/$export instead");
    }
    return mine.get(0);
  }

  private static void requireNamed(RequestDetails request, Requester researcher, Study study) {
    String username = Requesters.username(request).orElse(null);
    if (!study.names(username, researcher.subject())) {
      throw new ForbiddenOperationException(
          "you are not a researcher of "
              + study.reference()
              + ": ask the study's owner to add your user name (extension "
              + Study.RESEARCHER
              + ")");
    }
  }
}
