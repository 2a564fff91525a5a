package org.consentry.bench.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The soak's data and what is known of it: a run id that prefixes every id and user name (so runs
 * can share a server), the patients, which of them are watched (they change their Consents during
 * the run), each patient's Observations, and how many of each searched code each one holds. The
 * Observations written during the run have a code of their own ({@link #WRITTEN_CODE}), which code
 * searches never ask for: their expected counts stay exact.
 */
final class SoakWorld {

  static final String LOINC = "http://loinc.org";

  /** The system of the tag (code: the run id) on every Observation of the run. */
  static final String TAG_SYSTEM = "urn:consentry:bench";

  /** The codes of the Observations loaded at setup, searched by code during the run. */
  static final List<String[]> SEARCHED_CODES =
      List.of(
          new String[] {"8867-4", "Heart rate", "/min"},
          new String[] {"9279-1", "Respiratory rate", "/min"},
          new String[] {"29463-7", "Body weight", "kg"},
          new String[] {"59408-5", "Oxygen saturation", "%"});

  /** The code of the Observations created during the run. */
  static final String[] WRITTEN_CODE = {"8310-5", "Body temperature", "Cel"};

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One patient: id, its Observations (grows during the run) and its change lock. */
  static final class Patient {
    final String id;
    final boolean watched;
    final List<String> loaded = new ArrayList<>();
    final List<String> observations = new CopyOnWriteArrayList<>();

    /** Observations known to exist (loaded, or created and answered 201). */
    final AtomicInteger confirmed = new AtomicInteger();

    /** Set while one of the patient's Consent changes is under way. */
    final AtomicBoolean changing = new AtomicBoolean();

    /** The patient's deny Consent while it is active, else null. */
    volatile String denyConsent;

    Patient(String id, boolean watched) {
      this.id = id;
      this.watched = watched;
    }
  }

  final String run;
  final List<Patient> patients;
  final List<Patient> watched;
  final int observationsPerPatient;

  /** The Observations being updated now: one update at a time per resource. */
  final Set<String> updating = java.util.concurrent.ConcurrentHashMap.newKeySet();

  SoakWorld(String run, int patients, int watchedPatients, int observationsPerPatient) {
    this.run = run;
    this.observationsPerPatient = observationsPerPatient;
    List<Patient> all = new ArrayList<>();
    for (int i = 0; i < patients; i++) {
      Patient patient = new Patient(run + "-p" + i, i < watchedPatients);
      for (int k = 0; k < observationsPerPatient; k++) {
        patient.loaded.add(patient.id + "-o" + k);
      }
      patient.observations.addAll(patient.loaded);
      all.add(patient);
    }
    this.patients = List.copyOf(all);
    this.watched = all.subList(0, watchedPatients).stream().toList();
  }

  Set<String> watchedIds() {
    return Set.copyOf(watched.stream().map(p -> p.id).toList());
  }

  String organization(char which) {
    return "Organization/" + run + "-org-" + which;
  }

  /** Dr X: a practitioner of organization a, the one the watched patients deny and re-allow. */
  String practitioner() {
    return "Practitioner/" + run + "-drx";
  }

  /** The code of the loaded Observation number {@code k} of a patient. */
  static String[] loadedCode(int k) {
    return SEARCHED_CODES.get(k % SEARCHED_CODES.size());
  }

  /** How many loaded Observations of each patient carry code number {@code codeIndex}. */
  Map<String, Integer> matchesByPatient(int codeIndex) {
    int n = SEARCHED_CODES.size();
    int each = observationsPerPatient / n + (codeIndex < observationsPerPatient % n ? 1 : 0);
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Patient patient : patients) {
      out.put(patient.id, each);
    }
    return out;
  }

  /** The setup's resources: three Organizations, dr X, the Patients and their Observations. */
  List<ObjectNode> setupResources(long seed) {
    List<ObjectNode> out = new ArrayList<>();
    for (char which : new char[] {'a', 'b', 'c'}) {
      ObjectNode org = resource(organization(which));
      org.put("active", true).put("name", "Soak clinic " + which);
      out.add(org);
    }
    ObjectNode drx = resource(practitioner());
    drx.put("active", true);
    drx.putArray("name").addObject().put("family", "X").putArray("given").add("Doctor");
    out.add(drx);
    SplittableRandom random = new SplittableRandom(seed);
    for (Patient patient : patients) {
      ObjectNode resource = resource("Patient/" + patient.id);
      resource.put("active", true).put("gender", random.nextBoolean() ? "female" : "male");
      resource.putArray("name").addObject().put("family", "Soak").putArray("given").add(patient.id);
      resource.put(
          "birthDate", (1940 + random.nextInt(80)) + "-0" + (1 + random.nextInt(9)) + "-15");
      resource
          .putObject("managingOrganization")
          .put("reference", organization("abc".charAt(random.nextInt(3))));
      out.add(resource);
      for (int k = 0; k < patient.loaded.size(); k++) {
        out.add(observation(patient.loaded.get(k), patient.id, loadedCode(k), random));
      }
    }
    return out;
  }

  /** A vital sign of the patient; {@code id} null for one the server names. */
  ObjectNode observation(String id, String patient, String[] code, SplittableRandom random) {
    ObjectNode obs = JSON.createObjectNode().put("resourceType", "Observation");
    if (id != null) {
      obs.put("id", id);
    }
    obs.putObject("meta").putArray("tag").addObject().put("system", TAG_SYSTEM).put("code", run);
    obs.put("status", "final");
    obs.putArray("category")
        .addObject()
        .putArray("coding")
        .addObject()
        .put("system", "http://terminology.hl7.org/CodeSystem/observation-category")
        .put("code", "vital-signs");
    ObjectNode concept = obs.putObject("code");
    concept
        .putArray("coding")
        .addObject()
        .put("system", LOINC)
        .put("code", code[0])
        .put("display", code[1]);
    concept.put("text", code[1]);
    obs.putObject("subject").put("reference", "Patient/" + patient);
    obs.put(
        "effectiveDateTime",
        String.format(
            java.util.Locale.ROOT,
            "20%02d-%02d-%02dT%02d:00:00Z",
            16 + random.nextInt(10),
            1 + random.nextInt(12),
            1 + random.nextInt(28),
            random.nextInt(24)));
    obs.putObject("valueQuantity")
        .put("value", 20 + random.nextInt(80))
        .put("unit", code[2])
        .put("system", "http://unitsofmeasure.org")
        .put("code", code[2]);
    return obs;
  }

  /** The patient's deny Consent: dr X's organization may see nothing. */
  ObjectNode denyConsent(String patient) {
    ObjectNode consent = JSON.createObjectNode().put("resourceType", "Consent");
    consent.put("status", "active");
    consent
        .putObject("scope")
        .putArray("coding")
        .addObject()
        .put("system", "http://terminology.hl7.org/CodeSystem/consentscope")
        .put("code", "patient-privacy");
    consent
        .putArray("category")
        .addObject()
        .putArray("coding")
        .addObject()
        .put("system", LOINC)
        .put("code", "59284-0");
    consent.putObject("patient").put("reference", "Patient/" + patient);
    consent.put("dateTime", java.time.Instant.now().toString());
    consent
        .putObject("provision")
        .put("type", "deny")
        .putArray("actor")
        .addObject()
        .putObject("reference")
        .put("reference", organization('a'));
    return consent;
  }

  private static ObjectNode resource(String reference) {
    ObjectNode node = JSON.createObjectNode();
    node.put("resourceType", reference.substring(0, reference.indexOf('/')));
    node.put("id", reference.substring(reference.indexOf('/') + 1));
    return node;
  }
}
