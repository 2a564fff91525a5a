package org.consentry.server.consent;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import org.consentry.consent.ConsentEngine;
import org.consentry.consent.ContentDependence;
import org.consentry.consent.PatientConsents;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.DirectoryTypes;
import org.consentry.server.fhir.OwnerIndex;
import org.consentry.server.fhir.PatientCompartment;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;

/**
 * Computes and caches {@link ConsentView}s: per requester (what the consent engine looks at: kind,
 * patient, fhirUser, organization, memberships, purpose), resource type and Consent generation.
 * Only patients with active Consents can differ from the purpose's default, so a view costs one
 * pass over them, once per generation; every node recomputes after any Consent change, as decisions
 * do.
 *
 * <p>For each such patient the engine says what its Consents test ({@link ContentDependence}); when
 * that is only the type and a few security labels, the decision for each combination of those
 * labels is taken with {@link ConsentEngine#decide} on a stand-in resource of the type carrying
 * them, the same call that decides real resources. A patient hidden without labels is hidden
 * entirely; one hidden exactly when a resource carries any of some labels gets those owner-label
 * pairs; anything else is decided per resource and makes the view inexact. An owner-label pair of a
 * label no resource of the type ever carried ({@link TypeLabels}) excludes nothing and is left out:
 * a practitioner's Patient searches carry no predicate for the patients who keep PSY data from him.
 */
final class ConsentViews {

  /** More labels than this on one patient's applicable provisions: decided per resource. */
  private static final int MAX_LABELS = 5;

  private static final int MAX_VIEWS = 10_000;

  private final FhirContext fhir;
  private final ConsentEngine engine;
  private final LongFunction<Map<String, PatientConsents>> consenting;
  private final CarriedBy carried;
  private final PatientCompartment compartment;
  private final Clock clock;
  private final Map<Key, ConsentView> views = new ConcurrentHashMap<>();

  /** Which labels resources of a type may carry, as of a {@code TYPE_LABELS} generation. */
  interface CarriedBy {
    /** Every label when the generation is null or the labels of the type are not known. */
    Predicate<Coding> mayCarry(String type, Long labelsGeneration);
  }

  /** What a view depends on. */
  private record Key(
      long generation,
      Long labelsGeneration,
      String type,
      Requester.Kind kind,
      String patientId,
      String fhirUser,
      String organization,
      Set<String> actorReferences,
      String purpose) {}

  /**
   * @param consenting the compiled Consents of every patient who has any, as of a generation
   *     ({@link ConsentCache#snapshot})
   * @param carried the labels each type carries ({@link TypeLabels}): an owner-label value of a
   *     label no resource of the type carries would exclude nothing, and is left out
   */
  ConsentViews(
      FhirContext fhir,
      ConsentEngine engine,
      LongFunction<Map<String, PatientConsents>> consenting,
      CarriedBy carried,
      PatientCompartment compartment,
      Clock clock) {
    this.fhir = fhir;
    this.engine = engine;
    this.consenting = consenting;
    this.carried = carried;
    this.compartment = compartment;
    this.clock = clock;
  }

  /**
   * @param generation the Consent generation the request read at its start
   * @param labelsGeneration the {@code TYPE_LABELS} generation it read, or null (every label kept)
   */
  ConsentView view(Requester requester, String type, long generation, Long labelsGeneration) {
    if (!compartment.mayHaveOwners(type)) {
      return ConsentView.OPEN;
    }
    Key key =
        new Key(
            generation,
            labelsGeneration,
            type,
            requester.kind(),
            requester.patientId(),
            requester.fhirUser(),
            requester.organization(),
            requester.actorReferences(),
            requester.purposeOfUse());
    ConsentView view = views.get(key);
    if (view != null && view.validUntil() > clock.millis()) {
      return view;
    }
    if (views.size() > MAX_VIEWS) {
      views.clear();
    }
    view = compute(requester, type, generation, carried.mayCarry(type, labelsGeneration));
    views.put(key, view);
    return view;
  }

  private ConsentView compute(
      Requester requester, String type, long generation, Predicate<Coding> mayCarry) {
    Map<String, PatientConsents> byPatient = consenting.apply(generation);
    boolean defaultDeny =
        ConsentEnforcement.hides(
            engine.decide(requester, probe(type, List.of()), engine.compile("~probe", List.of())));
    Set<String> hidden = new TreeSet<>();
    Set<String> hiddenLabels = new TreeSet<>();
    Set<String> admitted = defaultDeny ? new TreeSet<>() : null;
    // Bulk Data files are bound to their requester per resource
    Set<String> perResource = "Binary".equals(type) ? null : new TreeSet<>();
    Map<String, ConsentView.Owner> owners = new HashMap<>();
    long validUntil = Long.MAX_VALUE;
    // what belongs to nobody: for system clients, directory data, and Bulk Data files (bound per
    // resource)
    boolean nobodysVisible =
        requester.kind() == Requester.Kind.SYSTEM
            || DirectoryTypes.contains(type)
            || perResource == null;
    if (admitted != null) {
      if (requester.kind() == Requester.Kind.PATIENT && requester.patientId() != null) {
        admitted.add(ConsentView.escape(requester.patientId()));
        owners.put(requester.patientId(), new ConsentView.Owner(false, true, false, List.of()));
      }
      if (nobodysVisible) {
        admitted.add(OwnerIndex.NOBODY);
        owners.put(OwnerIndex.NOBODY, new ConsentView.Owner(false, true, false, List.of()));
      }
    } else if (!nobodysVisible) {
      hidden.add(OwnerIndex.NOBODY);
      owners.put(OwnerIndex.NOBODY, new ConsentView.Owner(true, false, false, List.of()));
    }
    for (Map.Entry<String, PatientConsents> entry : byPatient.entrySet()) {
      String patient = entry.getKey();
      if (requester.isPatient(patient)) {
        continue;
      }
      ContentDependence dependence = engine.dependence(requester, entry.getValue());
      validUntil = Math.min(validUntil, dependence.validUntil());
      String owner = ConsentView.escape(patient);
      Set<String> labels = new TreeSet<>();
      Outcome outcome =
          dependence.otherContent() || dependence.labels().size() > MAX_LABELS
              ? Outcome.PER_RESOURCE
              : probeLabels(
                  requester,
                  type,
                  entry.getValue(),
                  dependence.labels(),
                  patient,
                  mayCarry,
                  labels);
      boolean isHidden = outcome == Outcome.HIDDEN && admitted == null;
      boolean isAdmitted = outcome != Outcome.HIDDEN && admitted != null;
      boolean isPerResource = outcome == Outcome.PER_RESOURCE && perResource != null;
      if (isHidden) {
        hidden.add(owner);
      }
      if (isAdmitted) {
        admitted.add(owner);
      }
      if (isPerResource) {
        perResource.add(owner);
      }
      hiddenLabels.addAll(labels);
      if (isHidden || isAdmitted || isPerResource || !labels.isEmpty()) {
        owners.put(
            patient,
            new ConsentView.Owner(isHidden, isAdmitted, isPerResource, new ArrayList<>(labels)));
      }
    }
    return new ConsentView(
        new ArrayList<>(hidden),
        new ArrayList<>(hiddenLabels),
        admitted == null ? null : new ArrayList<>(admitted),
        perResource == null ? null : new ArrayList<>(perResource),
        validUntil,
        owners);
  }

  private enum Outcome {
    HIDDEN,
    VISIBLE,
    PER_RESOURCE
  }

  /**
   * Decides every combination of the labels on a stand-in resource. Visible (with the labels that
   * hide added to {@code hiddenLabels}, when resources of the type may carry them) when the
   * resource is hidden exactly if it carries any label of a set; hidden when every combination is;
   * otherwise per resource.
   */
  private Outcome probeLabels(
      Requester requester,
      String type,
      PatientConsents consents,
      List<Coding> labels,
      String patient,
      Predicate<Coding> mayCarry,
      Set<String> hiddenLabels) {
    int combinations = 1 << labels.size();
    boolean[] hides = new boolean[combinations];
    boolean all = true;
    for (int mask = 0; mask < combinations; mask++) {
      List<Coding> carried = new ArrayList<>();
      for (int i = 0; i < labels.size(); i++) {
        if ((mask & (1 << i)) != 0) {
          carried.add(labels.get(i));
        }
      }
      hides[mask] =
          ConsentEnforcement.hides(engine.decide(requester, probe(type, carried), consents));
      all &= hides[mask];
    }
    if (all) {
      return Outcome.HIDDEN;
    }
    if (hides[0]) {
      return Outcome
          .PER_RESOURCE; // hidden unless labelled: not a predicate on the owner-label index
    }
    int hiding = 0;
    for (int i = 0; i < labels.size(); i++) {
      if (hides[1 << i]) {
        hiding |= 1 << i;
      }
    }
    for (int mask = 0; mask < combinations; mask++) {
      if (hides[mask] != ((mask & hiding) != 0)) {
        return Outcome.PER_RESOURCE;
      }
    }
    for (int i = 0; i < labels.size(); i++) {
      if ((hiding & (1 << i)) != 0 && mayCarry.test(labels.get(i))) {
        Coding label = labels.get(i);
        String value = ConsentView.escape(OwnerIndex.ownerLabel(patient, label.getCode()));
        hiddenLabels.add(
            label.hasSystem() ? ConsentView.escape(label.getSystem()) + "|" + value : value);
      }
    }
    return Outcome.VISIBLE;
  }

  private Resource probe(String type, List<Coding> labels) {
    Resource probe = (Resource) fhir.getResourceDefinition(type).newInstance();
    labels.forEach(label -> probe.getMeta().addSecurity(label.copy()));
    return probe;
  }
}
