package org.consentry.consent.internal;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.consentry.consent.ConsentEngine;
import org.consentry.consent.ReferenceResolver;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResourceType;

/** Turns the criteria of one {@code Consent.provision} into a {@link Criteria}. */
final class CriteriaCompiler {

  static final String RESOURCE_TYPES = "http://hl7.org/fhir/resource-types";
  static final String CONSENT_ACTION = "http://terminology.hl7.org/CodeSystem/consentaction";
  private static final String RESEARCH_STUDY = "ResearchStudy/";

  private final PurposeHierarchy purposes;
  private final DataCompiler data;

  CriteriaCompiler(PurposeHierarchy purposes, ReferenceResolver resolver) {
    this.purposes = purposes;
    this.data = new DataCompiler(resolver);
  }

  Criteria compile(Consent.ProvisionComponent provision) {
    Criteria.Builder b = new Criteria.Builder();
    if (provision.hasPeriod()) {
      b.periodStart = Instants.start(provision.getPeriod());
      b.periodEnd = Instants.end(provision.getPeriod());
      b.description.add("period " + describe(provision.getPeriod()));
    }
    if (provision.hasActor()) {
      b.actors = new HashSet<>();
      for (Consent.provisionActorComponent actor : provision.getActor()) {
        String reference = References.normalize(actor.getReference());
        if (reference != null) {
          b.actors.add(reference);
        }
      }
      b.description.add("actor " + String.join(", ", sorted(b.actors)));
    }
    if (provision.hasExtension(ConsentEngine.RESEARCH_STUDY_EXTENSION)) {
      studies(provision.getExtensionsByUrl(ConsentEngine.RESEARCH_STUDY_EXTENSION), b);
    }
    if (provision.hasAction()) {
      b.actions = new HashSet<>();
      for (CodeableConcept action : provision.getAction()) {
        for (Coding coding : action.getCoding()) {
          if (coding.hasCode()
              && (!coding.hasSystem() || CONSENT_ACTION.equals(coding.getSystem()))) {
            b.actions.add(coding.getCode());
          }
        }
      }
      b.description.add("action " + String.join(", ", sorted(b.actions)));
    }
    if (provision.hasPurpose()) {
      List<String> listed = listedPurposes(provision);
      b.purposes = new HashSet<>();
      listed.forEach(code -> b.purposes.addAll(purposes.selfAndDescendants(code)));
      b.description.add("purpose " + String.join(", ", listed));
    }
    if (provision.hasSecurityLabel()) {
      b.labels = CodingSet.of(provision.getSecurityLabel());
      b.description.add("securityLabel " + codes(provision.getSecurityLabel()));
    }
    if (provision.hasClass_()) {
      b.classes = EnumSet.noneOf(ResourceType.class);
      for (Coding coding : provision.getClass_()) {
        if (!coding.hasSystem() || RESOURCE_TYPES.equals(coding.getSystem())) {
          resourceType(coding.getCode(), b.classes);
        }
      }
      b.description.add("class " + codes(provision.getClass_()));
    }
    if (provision.hasCode()) {
      List<Coding> codings =
          provision.getCode().stream().flatMap(concept -> concept.getCoding().stream()).toList();
      b.codes = CodingSet.of(codings);
      b.description.add("code " + codes(codings));
    }
    if (provision.hasDataPeriod()) {
      b.hasDataPeriod = true;
      b.dataStart = Instants.start(provision.getDataPeriod());
      b.dataEnd = Instants.end(provision.getDataPeriod());
      b.description.add("dataPeriod " + describe(provision.getDataPeriod()));
    }
    if (provision.hasData()) {
      b.data = data.compile(provision.getData());
      b.description.add("data " + DataCompiler.describe(provision.getData()));
    }
    return b.build();
  }

  /**
   * The consent-ResearchStudyContext extensions (the standard allows one; several are read as any
   * of them). Each must be a {@code valueReference} to a ResearchStudy, absolute or versioned
   * references reduced to {@code ResearchStudy/id}; if one is not, the study is unknown and the
   * provision is marked unreadable (no study constraint, see {@link Criteria#studies}).
   */
  private static void studies(List<Extension> extensions, Criteria.Builder b) {
    Set<String> studies = new HashSet<>();
    for (Extension extension : extensions) {
      String study =
          extension.getValue() instanceof Reference reference
              ? References.normalize(reference)
              : null;
      if (study == null || !study.startsWith(RESEARCH_STUDY)) {
        b.studyUnreadable = true;
        b.description.add("study unreadable (read as every study for a deny, none for a permit)");
        return;
      }
      studies.add(study);
    }
    b.studies = Set.copyOf(studies);
    b.description.add("study " + String.join(", ", sorted(studies)));
  }

  /** Whether the provision lists an emergency purpose (ETREAT or one of its specializations). */
  boolean listsEmergencyPurpose(Consent.ProvisionComponent provision) {
    return provision.hasPurpose()
        && listedPurposes(provision).stream()
            .anyMatch(code -> purposes.isA(code, PurposeHierarchy.EMERGENCY));
  }

  private static List<String> listedPurposes(Consent.ProvisionComponent provision) {
    return provision.getPurpose().stream()
        .filter(
            c -> c.hasCode() && (!c.hasSystem() || PurposeHierarchy.SYSTEM.equals(c.getSystem())))
        .map(Coding::getCode)
        .toList();
  }

  private static void resourceType(String code, EnumSet<ResourceType> into) {
    if (code == null) {
      return;
    }
    try {
      into.add(ResourceType.fromCode(code));
    } catch (FHIRException unknown) {
      // not a resource type (e.g. a document format code): matches no resource
    }
  }

  private static String codes(List<Coding> codings) {
    return codings.stream()
        .filter(Coding::hasCode)
        .map(Coding::getCode)
        .collect(Collectors.joining(", "));
  }

  private static String describe(Period period) {
    return (period.hasStart() ? period.getStartElement().getValueAsString() : "")
        + ".."
        + (period.hasEnd() ? period.getEndElement().getValueAsString() : "");
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
