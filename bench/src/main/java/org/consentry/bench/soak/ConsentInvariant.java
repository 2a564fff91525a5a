package org.consentry.bench.soak;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the practitioner ("dr X") must be shown of each watched patient while the patients deny and
 * re-allow dr X's organization. Each watched patient has a current {@link State} object: before a
 * Consent change is sent it becomes a new CHANGING state, and only after the change's answer
 * arrived a new DENIED or ALLOWED state. A request of dr X that started while a patient's state was
 * DENIED and finished while that same object was still current must not show that patient (404 on
 * reads, no entries and no share of a total in searches): anything else is a leak. One that started
 * and finished under the same ALLOWED object must show it: a 404 or a missing entry is an error.
 * Requests that overlap a change (the object differs at the end) prove nothing and are not checked.
 * Patients that are not watched never change: always ALLOWED.
 */
final class ConsentInvariant {

  /** What a state says dr X may see of the patient. */
  enum Visibility {
    ALLOWED,
    DENIED,
    CHANGING
  }

  /** One state; compared by identity, so a state set again is a different one. */
  static final class State {
    private final Visibility visibility;

    State(Visibility visibility) {
      this.visibility = visibility;
    }

    Visibility visibility() {
      return visibility;
    }

    @Override
    public String toString() {
      return visibility.name() + "@" + Integer.toHexString(System.identityHashCode(this));
    }
  }

  /** The kind of a finding. */
  enum Kind {
    LEAK,
    ERROR
  }

  /** A violated expectation: a leak (hidden data shown) or an error (visible data not shown). */
  record Finding(Kind kind, String message) {}

  /** The states of all watched patients at one moment. */
  static final class Snapshot {
    private final Map<String, State> states;

    private Snapshot(Map<String, State> states) {
      this.states = states;
    }
  }

  private static final State ALWAYS_ALLOWED = new State(Visibility.ALLOWED);

  private final Map<String, AtomicReference<State>> watched = new ConcurrentHashMap<>();
  private final LongAdder underDenial = new LongAdder();
  private final LongAdder underAllowance = new LongAdder();

  /** Watches these patients (ids without the type), all ALLOWED at first. */
  ConsentInvariant(Set<String> watchedPatients) {
    for (String patient : watchedPatients) {
      watched.put(patient, new AtomicReference<>(new State(Visibility.ALLOWED)));
    }
  }

  boolean isWatched(String patient) {
    return watched.containsKey(patient);
  }

  /** The patient's current state (a constant ALLOWED one for patients not watched). */
  State current(String patient) {
    AtomicReference<State> state = watched.get(patient);
    return state == null ? ALWAYS_ALLOWED : state.get();
  }

  /** Marks a change as under way; call before sending it. */
  void beginChange(String patient) {
    set(patient, Visibility.CHANGING);
  }

  /** Records a change whose answer arrived: dr X's organization is now denied or allowed. */
  void endChange(String patient, Visibility now) {
    set(patient, now);
  }

  private void set(String patient, Visibility visibility) {
    AtomicReference<State> state = watched.get(patient);
    if (state == null) {
      throw new IllegalArgumentException("not a watched patient: " + patient);
    }
    state.set(new State(visibility));
  }

  /** Every watched patient's state now: take one before sending a request, one after its answer. */
  Snapshot snapshot() {
    Map<String, State> states = new HashMap<>();
    watched.forEach((patient, state) -> states.put(patient, state.get()));
    return new Snapshot(states);
  }

  /**
   * What dr X must have been shown of the patient by a request between the two snapshots: ALLOWED
   * or DENIED if the same settled state was current from start to end, else CHANGING (not checked).
   */
  Visibility settled(Snapshot start, Snapshot end, String patient) {
    State before = start.states.get(patient);
    if (before == null) {
      return watched.containsKey(patient) ? Visibility.CHANGING : Visibility.ALLOWED;
    }
    return before == end.states.get(patient) ? before.visibility() : Visibility.CHANGING;
  }

  /**
   * How many checks of a watched patient found it settled DENIED, and settled ALLOWED: that the
   * invariant was put to the test, not only that it held.
   */
  long[] checked() {
    return new long[] {underDenial.sum(), underAllowance.sum()};
  }

  private Visibility counted(Snapshot start, Snapshot end, String patient) {
    Visibility must = settled(start, end, patient);
    if (watched.containsKey(patient)) {
      if (must == Visibility.DENIED) {
        underDenial.increment();
      } else if (must == Visibility.ALLOWED) {
        underAllowance.increment();
      }
    }
    return must;
  }

  /** A read of one of the patient's resources (or of the Patient) answered with this status. */
  List<Finding> checkRead(Snapshot start, Snapshot end, String patient, int status) {
    Visibility must = counted(start, end, patient);
    if (must == Visibility.DENIED && status != 404) {
      return List.of(
          new Finding(
              Kind.LEAK,
              "answered " + status + " while Patient/" + patient + " denied dr X's organization"));
    }
    if (must == Visibility.ALLOWED && status == 404) {
      return List.of(
          new Finding(
              Kind.ERROR,
              "answered 404 while Patient/" + patient + " allowed dr X's organization"));
    }
    return List.of();
  }

  /** One page of a search: how many entries of each patient it held. */
  List<Finding> checkPage(Snapshot start, Snapshot end, Map<String, Integer> entriesByPatient) {
    List<Finding> findings = new ArrayList<>();
    entriesByPatient.forEach(
        (patient, entries) -> {
          if (entries > 0 && settled(start, end, patient) == Visibility.DENIED) {
            findings.add(
                new Finding(
                    Kind.LEAK,
                    entries
                        + " entries of Patient/"
                        + patient
                        + " while it denied dr X's organization"));
          }
        });
    return findings;
  }

  /**
   * A search's {@code total}, answered by the first page (between the snapshots), against what each
   * patient holds that matches the search, at least and at most ({@code Integer.MAX_VALUE}: no
   * bound, e.g. while Observations are being added): patients settled DENIED must not count,
   * patients settled ALLOWED must, patients changing may. {@code total} null: the answer had none.
   */
  List<Finding> checkTotal(
      Snapshot start,
      Snapshot end,
      Integer total,
      Map<String, Integer> atLeast,
      Map<String, Integer> atMost) {
    if (total == null) {
      return List.of();
    }
    long lower = 0;
    long upper = 0;
    for (Map.Entry<String, Integer> most : atMost.entrySet()) {
      Visibility must = counted(start, end, most.getKey());
      if (must == Visibility.ALLOWED) {
        lower += atLeast.getOrDefault(most.getKey(), 0);
      }
      if (must != Visibility.DENIED) {
        upper = Math.min(Integer.MAX_VALUE, upper + most.getValue());
      }
    }
    if (total > upper) {
      return List.of(
          new Finding(
              Kind.LEAK,
              "total " + total + " counts hidden data: at most " + upper + " may be visible"));
    }
    if (total < lower) {
      return List.of(
          new Finding(
              Kind.ERROR,
              "total " + total + " misses visible data: at least " + lower + " are visible"));
    }
    return List.of();
  }

  /**
   * All pages of a search (the first page's start to the last page's end): each patient settled
   * ALLOWED over that time must have had at least its expected number of entries.
   */
  List<Finding> checkComplete(
      Snapshot start,
      Snapshot end,
      Map<String, Integer> entriesByPatient,
      Map<String, Integer> expectedByPatient) {
    List<Finding> findings = new ArrayList<>();
    expectedByPatient.forEach(
        (patient, expected) -> {
          int got = entriesByPatient.getOrDefault(patient, 0);
          if (got < expected && settled(start, end, patient) == Visibility.ALLOWED) {
            findings.add(
                new Finding(
                    Kind.ERROR,
                    "Patient/"
                        + patient
                        + " allowed dr X's organization, yet only "
                        + got
                        + " of its "
                        + expected
                        + " matching entries came"));
          }
        });
    return findings;
  }
}
