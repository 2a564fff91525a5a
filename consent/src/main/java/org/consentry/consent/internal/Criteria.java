package org.consentry.consent.internal;

import java.util.EnumSet;
import java.util.Set;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceType;

/**
 * The criteria of one provision, compiled: {@code null} means the element was absent (no
 * constraint); an empty set means it was present with nothing usable, which matches nothing. Checks
 * run cheapest first; codes, dates and references are read only when reached.
 */
final class Criteria {

  final long periodStart;
  final long periodEnd;
  final EnumSet<ResourceType> classes;
  final Set<String> purposes;
  final Set<String> actions;
  final Set<String> actors;

  /**
   * {@code ResearchStudy/id} from the consent-ResearchStudyContext extension: the requester must
   * act for one of them (have it among its actorReferences). Null without the extension, and also
   * when {@link #studyUnreadable}: such a provision is read as applying to every study, and {@link
   * ProvisionCompiler} keeps every permit at or below it from deciding.
   */
  final Set<String> studies;

  /** The extension is present but some value is not a readable ResearchStudy reference. */
  final boolean studyUnreadable;

  final CodingSet labels;
  final CodingSet codes;
  final boolean hasDataPeriod;
  final long dataStart;
  final long dataEnd;
  final DataCriteria data;
  final String description;

  Criteria(Builder builder) {
    this.periodStart = builder.periodStart;
    this.periodEnd = builder.periodEnd;
    this.classes = builder.classes;
    this.purposes = builder.purposes;
    this.actions = builder.actions;
    this.actors = builder.actors;
    this.studies = builder.studies;
    this.studyUnreadable = builder.studyUnreadable;
    this.labels = builder.labels;
    this.codes = builder.codes;
    this.hasDataPeriod = builder.hasDataPeriod;
    this.dataStart = builder.dataStart;
    this.dataEnd = builder.dataEnd;
    this.data = builder.data;
    this.description =
        builder.description.isEmpty() ? "all data" : String.join("; ", builder.description);
  }

  boolean matches(DecisionContext context) {
    if (!matchesRequester(context)) {
      return false;
    }
    Resource resource = context.resource;
    if (classes != null && !classes.contains(resource.getResourceType())) {
      return false;
    }
    if (labels != null
        && !(resource.hasMeta()
            && resource.getMeta().hasSecurity()
            && labels.containsAny(resource.getMeta().getSecurity()))) {
      return false;
    }
    if (codes != null && !ResourceFacts.hasCode(resource, codes)) {
      return false;
    }
    if (hasDataPeriod && !context.clinicalSpanOverlaps(dataStart, dataEnd)) {
      return false;
    }
    return data == null || data.matches(context);
  }

  /** The criteria that do not look at the resource: period, purpose, action, actor, study. */
  boolean matchesRequester(DecisionContext context) {
    if (context.now < periodStart || context.now > periodEnd) {
      return false;
    }
    if (purposes != null && !purposes.contains(context.requester.purposeOfUse())) {
      return false;
    }
    if (actions != null && !actions.contains(context.action)) {
      return false;
    }
    if (actors != null && !context.isAnyOf(actors)) {
      return false;
    }
    return studies == null || context.actsForAnyStudy(studies);
  }

  /** Mutable state while compiling one provision. */
  static final class Builder {
    long periodStart = Instants.OPEN_START;
    long periodEnd = Instants.OPEN_END;
    EnumSet<ResourceType> classes;
    Set<String> purposes;
    Set<String> actions;
    Set<String> actors;
    Set<String> studies;
    boolean studyUnreadable;
    CodingSet labels;
    CodingSet codes;
    boolean hasDataPeriod;
    long dataStart = Instants.OPEN_START;
    long dataEnd = Instants.OPEN_END;
    DataCriteria data;
    final java.util.List<String> description = new java.util.ArrayList<>();

    Criteria build() {
      return new Criteria(this);
    }
  }
}
