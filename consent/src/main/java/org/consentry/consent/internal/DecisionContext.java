package org.consentry.consent.internal;

import java.util.Set;
import org.consentry.consent.Requester;
import org.hl7.fhir.r4.model.Resource;

/**
 * One decision's inputs, with the facts about the resource that provisions may need (clinical span,
 * identity, outgoing references) computed on first use and kept for the other provisions.
 */
final class DecisionContext {

  static final String ACCESS = "access";
  static final String USE = "use";

  final Requester requester;
  final Resource resource;
  final long now;
  final boolean research;
  final boolean emergency;
  final String action;

  private long[] span;
  private boolean spanDone;
  private String resourceKey;
  private boolean keyDone;
  private Set<String> references;

  DecisionContext(Requester requester, Resource resource, long now, PurposeHierarchy purposes) {
    this.requester = requester;
    this.resource = resource;
    this.now = now;
    String purpose = requester.purposeOfUse();
    this.research = purposes.isA(purpose, PurposeHierarchy.RESEARCH);
    this.emergency =
        requester.kind() == Requester.Kind.PRACTITIONER
            && purposes.isA(purpose, PurposeHierarchy.EMERGENCY);
    this.action = research || requester.kind() == Requester.Kind.RESEARCHER ? USE : ACCESS;
  }

  /** Whether the requester is one of these actors (fhirUser, organization or a membership). */
  boolean isAnyOf(Set<String> actors) {
    if (actors.contains(requester.fhirUser()) || actors.contains(requester.organization())) {
      return true;
    }
    for (String reference : requester.actorReferences()) {
      if (actors.contains(reference)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the requester acts for one of these research studies: one of them ({@code
   * ResearchStudy/id}) is among its actorReferences. A provision names one study, so this is
   * usually a single hash lookup.
   */
  boolean actsForAnyStudy(Set<String> studies) {
    Set<String> own = requester.actorReferences();
    for (String study : studies) {
      if (own.contains(study)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the resource's clinical date or period overlaps [start, end]; false without one. */
  boolean clinicalSpanOverlaps(long start, long end) {
    if (!spanDone) {
      long[] found = new long[2];
      span = ResourceFacts.clinicalSpan(resource, found) ? found : null;
      spanDone = true;
    }
    return span != null && span[0] <= end && span[1] >= start;
  }

  /** {@code "Observation/5"}, or null when the resource has no id. */
  String resourceKey() {
    if (!keyDone) {
      resourceKey =
          resource.hasIdElement() && resource.getIdElement().hasIdPart()
              ? resource.fhirType() + "/" + resource.getIdElement().getIdPart()
              : null;
      keyDone = true;
    }
    return resourceKey;
  }

  /** What the resource refers to, as {@code Type/id}. */
  Set<String> references() {
    if (references == null) {
      references = ResourceLinks.references(resource);
    }
    return references;
  }
}
