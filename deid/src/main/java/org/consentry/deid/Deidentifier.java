package org.consentry.deid;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.consentry.deid.internal.CompiledProfile;
import org.consentry.deid.internal.Keys;
import org.consentry.deid.internal.Walker;
import org.hl7.fhir.r4.model.Resource;

/**
 * De-identifies FHIR R4 resources for a research export: a {@link DeidProfile}'s rules applied
 * under one study's {@link StudyKey}.
 *
 * <p>Guarantees, for one study key:
 *
 * <ul>
 *   <li><b>Linked graph</b>: under {@code cryptoHash}, a resource id and every reference to it
 *       ({@code Type/id}, {@code urn:uuid:}, {@code #contained}, the identifier values of a
 *       conditional reference) become the same pseudonym, so references resolve inside the export
 *       as they did in the source.
 *   <li><b>Stable, unlinkable</b>: the same input gives the same output in every run of a study;
 *       two studies' keys give unrelated pseudonyms and shifts.
 *   <li><b>Date shift</b>: one shift per patient per study, a whole number of days in [-range, -1]
 *       or [1, range]; time of day, zone and precision are kept, so the intervals between one
 *       patient's dates are kept exactly.
 *   <li><b>Labels</b>: each resource changed carries one v3-ObservationValue label per kind of
 *       change in {@code meta.security} (REDACTED, PSEUDED, MASKED, ABSTRED).
 * </ul>
 *
 * <p>Each call walks the resource once (no FHIRPath evaluation: the profile's paths were compiled
 * into one automaton). Thread-safe; share one instance per study and profile.
 */
public final class Deidentifier {

  private final DeidProfile profile;
  private final CompiledProfile compiled;
  private final Keys keys;
  private final Clock clock;

  /** A de-identifier whose "90 years ago" is counted from the system clock (UTC). */
  public Deidentifier(DeidProfile profile, StudyKey key) {
    this(profile, key, Clock.systemUTC());
  }

  /** A de-identifier whose "90 years ago" (ages and dates of 90+) is counted from {@code clock}. */
  public Deidentifier(DeidProfile profile, StudyKey key, Clock clock) {
    this.profile = Objects.requireNonNull(profile, "profile");
    this.compiled = profile.compiled();
    byte[] secret = Objects.requireNonNull(key, "key").secret();
    this.keys = new Keys(secret);
    Arrays.fill(secret, (byte) 0);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A de-identified copy of {@code resource}; the argument is not changed.
   *
   * @param patientId the id of the patient whose data this is ({@code 123} or {@code Patient/123}),
   *     which picks the date shift; null for data of no patient (Practitioner, Organization...),
   *     which all share one shift per study
   */
  @SuppressWarnings("unchecked")
  public <T extends Resource> T deidentify(T resource, String patientId) {
    T copy = (T) resource.copy();
    deidentifyInPlace(copy, patientId);
    return copy;
  }

  /**
   * De-identifies {@code resource} itself, without a copy: for a resource read only to be exported
   * (the cheaper call). Contained resources and Bundle entries are de-identified too.
   */
  public void deidentifyInPlace(Resource resource, String patientId) {
    Objects.requireNonNull(resource, "resource");
    Walker.run(compiled, keys, resource, dateShiftDays(patientId), topYear());
  }

  /** De-identified copies of one patient's resources, in the same order. */
  public List<Resource> deidentifyPatient(
      String patientId, Collection<? extends Resource> resources) {
    List<Resource> out = new ArrayList<>(resources.size());
    for (Resource resource : resources) {
      out.add(deidentify(resource, patientId));
    }
    return out;
  }

  /**
   * The pseudonym that an id or identifier value becomes under {@code cryptoHash}: what {@code
   * Patient/123} becomes is {@code Patient/} + {@code pseudonym("123")}.
   */
  public String pseudonym(String id) {
    return keys.pseudonym(Objects.requireNonNull(id, "id"));
  }

  /** The number of days this patient's dates move under {@code dateShift} (never 0). */
  public int dateShiftDays(String patientId) {
    String id = patientId == null ? "" : patientId;
    if (id.startsWith("Patient/")) {
      id = id.substring("Patient/".length());
    }
    return keys.shiftDays(id, compiled.settings().shiftRange());
  }

  public DeidProfile profile() {
    return profile;
  }

  private int topYear() {
    return clock.instant().atZone(ZoneOffset.UTC).getYear() - 90;
  }

  @Override
  public String toString() {
    return "Deidentifier[" + profile.name() + ", key=<redacted>]";
  }
}
