package org.consentry.consent.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.consentry.consent.ContentDependence;
import org.consentry.consent.Requester;
import org.hl7.fhir.r4.model.Coding;

/**
 * Walks a patient's compiled provisions the way {@link Evaluator} does, but without a resource: a
 * provision is reachable when its requester-side criteria (period, purpose, action, actor, study)
 * match, and only reachable provisions (and their children) are examined for the content they test.
 * Not API: use {@code ConsentEngine.dependence}.
 */
public final class DependenceAnalysis {

  private final PurposeHierarchy purposes = PurposeHierarchy.bundled();

  public ContentDependence analyse(Requester requester, CompiledConsents consents, long now) {
    if (requester.isPatient(consents.patientId()) || consents.size() == 0) {
      return ContentDependence.none();
    }
    DecisionContext context = new DecisionContext(requester, null, now, purposes);
    Walk walk = new Walk(context);
    for (CompiledConsent consent : consents.consents()) {
      if (consent.researchScope() && !context.research) {
        continue;
      }
      walk.visit(consent.root());
    }
    return new ContentDependence(
        new ArrayList<>(walk.labels.values()), walk.otherContent, walk.validUntil);
  }

  private static final class Walk {
    private final DecisionContext context;
    private final Map<String, Coding> labels = new LinkedHashMap<>();
    private boolean otherContent;
    private long validUntil = Long.MAX_VALUE;

    Walk(DecisionContext context) {
      this.context = context;
    }

    void visit(ProvisionRule rule) {
      Criteria criteria = rule.criteria;
      boundary(criteria.periodStart);
      if (criteria.periodEnd != Instants.OPEN_END) {
        boundary(criteria.periodEnd + 1);
      }
      if (!criteria.matchesRequester(context)) {
        return;
      }
      if (criteria.labels != null) {
        for (Coding label : criteria.labels.codings()) {
          labels.putIfAbsent(label.getSystem() + "|" + label.getCode(), label);
        }
      }
      if (criteria.codes != null || criteria.hasDataPeriod || criteria.data != null) {
        otherContent = true;
      }
      for (ProvisionRule child : rule.children) {
        visit(child);
      }
    }

    private void boundary(long at) {
      if (at > context.now && at < validUntil) {
        validUntil = at;
      }
    }
  }
}
