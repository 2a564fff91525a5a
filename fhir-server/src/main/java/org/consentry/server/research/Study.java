package org.consentry.server.research;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.consentry.deid.DeidProfile;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.StringType;

/**
 * A research study as this server reads it from a {@code ResearchStudy} (written by a system
 * client): its cohort is the {@code Group} of its first {@code enrollment}; three extensions name
 * its de-identification profile ({@value #PROFILE}, valueCode {@code safe-harbor}, the default, or
 * {@code limited-data-set}), the k of its risk report ({@value #K_ANONYMITY}, valueInteger, default
 * 5) and its researchers ({@value #RESEARCHER}, valueString, repeated: each a user name of the
 * identity provider, or a user's subject id).
 *
 * @param id the bare id
 * @param profileName the profile's code
 * @param profile the de-identification profile
 * @param k the k aimed for in the risk report
 * @param cohortGroupId the bare id of the cohort Group
 * @param researchers the user names (or subject ids) of the researchers named on it
 */
record Study(
    String id,
    String profileName,
    DeidProfile profile,
    int k,
    String cohortGroupId,
    Set<String> researchers) {

  static final String PROFILE =
      "http://consentry.org/fhir/StructureDefinition/research-deid-profile";
  static final String K_ANONYMITY =
      "http://consentry.org/fhir/StructureDefinition/research-k-anonymity";
  static final String RESEARCHER =
      "http://consentry.org/fhir/StructureDefinition/research-researcher";
  static final String SAFE_HARBOR = "safe-harbor";
  static final String LIMITED_DATA_SET = "limited-data-set";
  static final int DEFAULT_K = 5;

  Study {
    researchers = Set.copyOf(researchers);
  }

  /** The reference a research requester acts for, and a research Consent names. */
  String reference() {
    return "ResearchStudy/" + id;
  }

  /** Whether the user (by user name or subject id) is one of the study's researchers. */
  boolean names(String username, String subject) {
    return username != null && researchers.contains(username)
        || subject != null && researchers.contains(subject);
  }

  /**
   * Reads a study.
   *
   * @throws UnprocessableEntityException (422) naming what to fix, when the study is not active or
   *     names no cohort Group, an unknown profile or a k below 1
   */
  static Study of(ResearchStudy study) {
    String id = study.getIdElement().getIdPart();
    if (study.getStatus() != ResearchStudy.ResearchStudyStatus.ACTIVE) {
      throw invalid(
          id,
          "its status is "
              + (study.getStatus() == null ? "missing" : study.getStatus().toCode())
              + "; only an active study exports");
    }
    String group = null;
    for (Reference enrollment : study.getEnrollment()) {
      String reference = enrollment.getReferenceElement().getValue();
      if (reference != null && enrollment.getReferenceElement().getResourceType() != null) {
        if ("Group".equals(enrollment.getReferenceElement().getResourceType())
            && enrollment.getReferenceElement().hasIdPart()) {
          group = enrollment.getReferenceElement().getIdPart();
          break;
        }
      }
    }
    if (group == null) {
      throw invalid(id, "it names no cohort: set enrollment to a Group reference (Group/ID)");
    }
    String profileName = SAFE_HARBOR;
    Extension profile = study.getExtensionByUrl(PROFILE);
    if (profile != null) {
      profileName =
          profile.getValue() == null || !profile.getValue().isPrimitive()
              ? ""
              : profile.getValue().primitiveValue().trim().toLowerCase(Locale.ROOT);
    }
    String code = profileName;
    DeidProfile deid =
        builtInProfile(code)
            .orElseThrow(
                () ->
                    invalid(
                        id,
                        "its de-identification profile '"
                            + code
                            + "' is unknown: use safe-harbor or limited-data-set"));
    int k = DEFAULT_K;
    Extension kExtension = study.getExtensionByUrl(K_ANONYMITY);
    if (kExtension != null) {
      if (!(kExtension.getValue() instanceof IntegerType value)
          || value.getValue() == null
          || value.getValue() < 1) {
        throw invalid(id, "its k-anonymity extension must be a valueInteger of at least 1");
      }
      k = value.getValue();
    }
    Set<String> researchers = new LinkedHashSet<>();
    for (Extension researcher : study.getExtensionsByUrl(RESEARCHER)) {
      if (researcher.getValue() instanceof StringType name && name.getValue() != null) {
        String trimmed = name.getValue().trim();
        if (!trimmed.isEmpty()) {
          researchers.add(trimmed);
        }
      }
    }
    return new Study(id, profileName, deid, k, group, researchers);
  }

  /** The built-in profile of this code ({@value #SAFE_HARBOR} or {@value #LIMITED_DATA_SET}). */
  static Optional<DeidProfile> builtInProfile(String code) {
    return switch (code) {
      case SAFE_HARBOR -> Optional.of(DeidProfile.safeHarbor());
      case LIMITED_DATA_SET -> Optional.of(DeidProfile.limitedDataSet());
      default -> Optional.empty();
    };
  }

  private static UnprocessableEntityException invalid(String id, String why) {
    return new UnprocessableEntityException("ResearchStudy/" + id + " cannot be exported: " + why);
  }
}
