package org.consentry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A synthetic population, the same for the same settings: N Patients with K Observations each
 * (vital signs, and a share of questionnaire scores that the server's sensitivity labeler labels
 * PSY or ETH), two Organizations and two Practitioners, and Consents: 1% of the patients (at least
 * one) deny everything to {@link #DENIED_ORGANIZATION}; 10% (at least one, other patients) deny
 * PSY-labelled data to everyone except {@link #PERMITTED_PRACTITIONER}.
 *
 * <p>Ids are readable and derived from the seed ({@code bench-S-p12}, {@code bench-S-p12-o3}), so
 * two seeds never collide on one server. A patient's record depends only on the seed and its index;
 * which patients consent depends on the seed and N.
 */
final class Population {

  static final String DENIED_ORGANIZATION = "Organization/bench-org-denied";
  static final String OTHER_ORGANIZATION = "Organization/bench-org-other";
  static final String DENIED_PRACTITIONER = "Practitioner/bench-practitioner-denied";

  /** In the other organization; the only requester the PSY-deny Consents still let see PSY data. */
  static final String PERMITTED_PRACTITIONER = "Practitioner/bench-practitioner-other";

  static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

  /** The label the PSY-deny Consents name. */
  static final String DENIED_LABEL = "PSY";

  static final String TAG_SYSTEM = "urn:consentry:bench";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOINC = "http://loinc.org";
  private static final String UCUM = "http://unitsofmeasure.org";
  private static final long FIRST_DAY = LocalDate.of(2016, 1, 1).toEpochDay();
  private static final long LAST_DAY = LocalDate.of(2025, 12, 31).toEpochDay();

  /**
   * code, display, UCUM unit, low, high, decimals; blood pressure is a panel with two components.
   */
  private record Vital(
      String code, String display, String unit, double low, double high, int decimals) {}

  private static final List<Vital> VITALS =
      List.of(
          new Vital("8867-4", "Heart rate", "/min", 52, 104, 0),
          new Vital("9279-1", "Respiratory rate", "/min", 11, 21, 0),
          new Vital("8310-5", "Body temperature", "Cel", 36.1, 37.9, 1),
          new Vital("29463-7", "Body weight", "kg", 48, 118, 1),
          new Vital("8302-2", "Body height", "cm", 148, 196, 1),
          new Vital("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", 17.5, 36, 1),
          new Vital(
              "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%", 91, 100, 0),
          new Vital(
              "85354-9", "Blood pressure panel with all children optional", "mm[Hg]", 0, 0, 0));

  /**
   * Questionnaire scores in the bundled sensitivity value sets (terminology module), and their
   * label.
   */
  private record Score(String code, String display, int max, String label) {}

  private static final List<Score> SCORES =
      List.of(
          new Score(
              "44261-6",
              "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
              27,
              "PSY"),
          new Score(
              "70274-6",
              "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
              21,
              "PSY"),
          new Score("75626-2", "Total score [AUDIT-C]", 12, "ETH"));

  private static final List<String> GIVEN =
      List.of(
          "Ada", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Grace", "Hugo", "Ines", "Jonas",
          "Keiko", "Lars", "Mira", "Nils", "Olga", "Pablo", "Rosa", "Sven", "Tariq", "Uma");
  private static final List<String> FAMILY =
      List.of(
          "Andersen",
          "Bauer",
          "Costa",
          "Dubois",
          "Eriksen",
          "Fischer",
          "García",
          "Horvat",
          "Ivanova",
          "Jansen",
          "Kowalski",
          "Lindqvist",
          "Moreau",
          "Novak",
          "Okafor",
          "Petrov");

  /** One patient's resources, and how many of its Observations carry each label. */
  record PatientRecord(
      String patientId, ObjectNode patient, List<ObjectNode> observations, int psy, int eth) {}

  private final int patients;
  private final int observationsPerPatient;
  private final long seed;
  private final double sensitiveShare;
  private final Set<Integer> denyOrganization;
  private final Set<Integer> denyLabel;

  Population(int patients, int observationsPerPatient, long seed, double sensitiveShare) {
    this.patients = patients;
    this.observationsPerPatient = observationsPerPatient;
    this.seed = seed;
    this.sensitiveShare = sensitiveShare;
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < patients; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
    int organizationDenials = Math.min(patients, Math.max(1, (int) Math.round(patients * 0.01)));
    int labelDenials =
        Math.min(patients - organizationDenials, Math.max(1, (int) Math.round(patients * 0.10)));
    this.denyOrganization = Set.copyOf(order.subList(0, organizationDenials));
    this.denyLabel =
        Set.copyOf(order.subList(organizationDenials, organizationDenials + labelDenials));
  }

  int patients() {
    return patients;
  }

  int observationsPerPatient() {
    return observationsPerPatient;
  }

  long seed() {
    return seed;
  }

  String patientId(int index) {
    return "bench-" + seed + "-p" + index;
  }

  /**
   * The population's {@code meta.tag}, on every Patient and Observation: search them with {@code
   * _tag=}.
   */
  String tag() {
    return "population-" + seed;
  }

  boolean deniesOrganization(int index) {
    return denyOrganization.contains(index);
  }

  boolean deniesLabel(int index) {
    return denyLabel.contains(index);
  }

  int organizationDenials() {
    return denyOrganization.size();
  }

  int labelDenials() {
    return denyLabel.size();
  }

  /** The Organizations and Practitioners the Consents and the benchmark users refer to. */
  List<ObjectNode> directory() {
    List<ObjectNode> out = new ArrayList<>();
    for (String reference : List.of(DENIED_ORGANIZATION, OTHER_ORGANIZATION)) {
      ObjectNode org = resource(reference);
      org.put("active", true);
      org.put(
          "name",
          reference.endsWith("denied")
              ? "Bench clinic (denied by 1% of patients)"
              : "Bench hospital");
      out.add(org);
    }
    for (String reference : List.of(DENIED_PRACTITIONER, PERMITTED_PRACTITIONER)) {
      ObjectNode practitioner = resource(reference);
      practitioner.put("active", true);
      practitioner
          .putArray("name")
          .addObject()
          .put("family", reference.endsWith("denied") ? "Denied" : "Other")
          .putArray("given")
          .add("Bench");
      out.add(practitioner);
    }
    return out;
  }

  /** Patient {@code index} and its Observations. */
  PatientRecord patient(int index) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
    String id = patientId(index);
    ObjectNode patient = resource("Patient/" + id);
    tag(patient);
    patient.putArray("identifier").addObject().put("system", TAG_SYSTEM).put("value", id);
    patient.put("active", true);
    ObjectNode name = patient.putArray("name").addObject();
    name.put("family", FAMILY.get(random.nextInt(FAMILY.size())));
    name.putArray("given").add(GIVEN.get(random.nextInt(GIVEN.size())));
    patient.put("gender", random.nextBoolean() ? "female" : "male");
    patient.put(
        "birthDate",
        LocalDate.ofEpochDay(
                random.nextLong(
                    LocalDate.of(1935, 1, 1).toEpochDay(), LocalDate.of(2012, 12, 31).toEpochDay()))
            .toString());
    List<ObjectNode> observations = new ArrayList<>();
    int psy = 0;
    int eth = 0;
    int offset = random.nextInt(VITALS.size());
    for (int j = 0; j < observationsPerPatient; j++) {
      ObjectNode obs = resource("Observation/" + id + "-o" + j);
      tag(obs);
      obs.put("status", "final");
      Instant when =
          Instant.ofEpochSecond(
              random.nextLong(FIRST_DAY, LAST_DAY + 1) * 86_400
                  + random.nextInt(8 * 3600, 18 * 3600));
      if (random.nextDouble() < sensitiveShare) {
        Score score = SCORES.get(random.nextInt(SCORES.size()));
        category(obs, "survey", "Survey");
        code(obs.putObject("code"), score.code(), score.display());
        quantity(obs.putObject("valueQuantity"), random.nextInt(score.max() + 1), "{score}");
        psy += score.label().equals("PSY") ? 1 : 0;
        eth += score.label().equals("ETH") ? 1 : 0;
      } else {
        Vital vital = VITALS.get((offset + j) % VITALS.size());
        category(obs, "vital-signs", "Vital Signs");
        code(obs.putObject("code"), vital.code(), vital.display());
        if (vital.code().equals("85354-9")) {
          ArrayNode components = obs.putArray("component");
          int systolic = random.nextInt(98, 162);
          component(components, "8480-6", "Systolic blood pressure", systolic);
          component(
              components,
              "8462-4",
              "Diastolic blood pressure",
              random.nextInt(56, Math.min(100, systolic - 20)));
        } else {
          double value = vital.low() + random.nextDouble() * (vital.high() - vital.low());
          double scale = Math.pow(10, vital.decimals());
          quantity(obs.putObject("valueQuantity"), Math.round(value * scale) / scale, vital.unit());
        }
      }
      obs.putObject("subject").put("reference", "Patient/" + id);
      obs.put("effectiveDateTime", when.toString());
      obs.put("issued", when.plusSeconds(600).toString());
      observations.add(obs);
    }
    return new PatientRecord(id, patient, observations, psy, eth);
  }

  /**
   * Patient {@code index}'s Consents: none, a deny of the organization, or a deny of PSY data but
   * for one practitioner.
   */
  List<ObjectNode> consents(int index) {
    String patient = patientId(index);
    if (deniesOrganization(index)) {
      ObjectNode consent = consent("Consent/" + patient + "-deny-org", patient);
      ObjectNode provision = consent.putObject("provision").put("type", "deny");
      actor(provision.putArray("actor"), DENIED_ORGANIZATION);
      return List.of(consent);
    }
    if (deniesLabel(index)) {
      ObjectNode consent =
          consent(
              "Consent/" + patient + "-deny-" + DENIED_LABEL.toLowerCase(java.util.Locale.ROOT),
              patient);
      ObjectNode deny =
          consent.putObject("provision").put("type", "permit").putArray("provision").addObject();
      deny.put("type", "deny");
      deny.putArray("securityLabel").addObject().put("system", ACT_CODE).put("code", DENIED_LABEL);
      actor(
          deny.putArray("provision").addObject().put("type", "permit").putArray("actor"),
          PERMITTED_PRACTITIONER);
      return List.of(consent);
    }
    return List.of();
  }

  private ObjectNode consent(String reference, String patient) {
    ObjectNode consent = resource(reference);
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
    consent.put("dateTime", "2026-01-01T00:00:00Z");
    return consent;
  }

  private static void actor(ArrayNode actors, String reference) {
    ObjectNode actor = actors.addObject();
    actor
        .putObject("role")
        .putArray("coding")
        .addObject()
        .put("system", "http://terminology.hl7.org/CodeSystem/v3-ParticipationType")
        .put("code", "IRCP");
    actor.putObject("reference").put("reference", reference);
  }

  private static ObjectNode resource(String reference) {
    ObjectNode node = JSON.createObjectNode();
    node.put("resourceType", reference.substring(0, reference.indexOf('/')));
    node.put("id", reference.substring(reference.indexOf('/') + 1));
    return node;
  }

  private void tag(ObjectNode resource) {
    resource
        .putObject("meta")
        .putArray("tag")
        .addObject()
        .put("system", TAG_SYSTEM)
        .put("code", tag());
  }

  private static void category(ObjectNode obs, String code, String display) {
    obs.putArray("category")
        .addObject()
        .putArray("coding")
        .addObject()
        .put("system", "http://terminology.hl7.org/CodeSystem/observation-category")
        .put("code", code)
        .put("display", display);
  }

  private static void code(ObjectNode concept, String code, String display) {
    concept
        .putArray("coding")
        .addObject()
        .put("system", LOINC)
        .put("code", code)
        .put("display", display);
    concept.put("text", display);
  }

  private static void quantity(ObjectNode quantity, double value, String unit) {
    if (value == Math.rint(value)) {
      quantity.put("value", (long) value);
    } else {
      quantity.put("value", value);
    }
    quantity.put("unit", unit).put("system", UCUM).put("code", unit);
  }

  private static void component(ArrayNode components, String code, String display, int value) {
    ObjectNode component = components.addObject();
    code(component.putObject("code"), code, display);
    quantity(component.putObject("valueQuantity"), value, "mm[Hg]");
  }
}
