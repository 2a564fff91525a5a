package org.consentry.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.consentry.bench.soak.ConsentInvariant.Finding;
import org.consentry.bench.soak.ConsentInvariant.Snapshot;
import org.consentry.bench.soak.ConsentInvariant.Visibility;
import org.consentry.bench.soak.SoakHttp.Answer;
import org.consentry.bench.soak.SoakStats.Kind;
import org.consentry.bench.soak.SoakWorld.Patient;

/**
 * One soak client: until the deadline, one operation at a time, drawn by weight: dr X reads by id
 * and searches (by patient, by code with every page followed, each page on the other node than the
 * page before), the EHR client's reads, creates and updates, and a watched patient's Consent change
 * (deny dr X's organization, then revoke, by DELETE or by PUT with status inactive). Each request
 * goes to a node drawn at random; every dr X answer is checked against the invariant.
 */
final class SoakClient implements Runnable {

  /** Weights of the operations, in the order of {@link #operate}. */
  static final int[] WEIGHTS = {30, 12, 15, 8, 12, 10, 13};

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SoakWorld world;
  private final ConsentInvariant invariant;
  private final SoakHttp http;
  private final SoakStats stats;
  private final Tokens drx;
  private final Tokens ehr;
  private final Map<String, Tokens> patients;
  private final long deadlineNanos;
  private final SplittableRandom random;
  private final int weightSum;

  SoakClient(
      SoakWorld world,
      ConsentInvariant invariant,
      SoakHttp http,
      SoakStats stats,
      Tokens drx,
      Tokens ehr,
      Map<String, Tokens> patients,
      long deadlineNanos,
      long seed) {
    this.world = world;
    this.invariant = invariant;
    this.http = http;
    this.stats = stats;
    this.drx = drx;
    this.ehr = ehr;
    this.patients = patients;
    this.deadlineNanos = deadlineNanos;
    this.random = new SplittableRandom(seed);
    int sum = 0;
    for (int weight : WEIGHTS) {
      sum += weight;
    }
    this.weightSum = sum;
  }

  @Override
  public void run() {
    while (System.nanoTime() < deadlineNanos) {
      int pick = random.nextInt(weightSum);
      int op = 0;
      while (pick >= WEIGHTS[op]) {
        pick -= WEIGHTS[op++];
      }
      try {
        operate(op);
      } catch (SoakException e) {
        stats.error(Kind.READ_DRX, "token", e.getMessage());
      }
    }
  }

  private void operate(int op) {
    switch (op) {
      case 0 -> readAsDrx();
      case 1 -> readAsEhr();
      case 2 -> searchByPatient();
      case 3 -> searchByCode();
      case 4 -> create();
      case 5 -> update();
      default -> changeConsent();
    }
  }

  private int node() {
    return random.nextInt(http.nodes().size());
  }

  private Patient anyPatient() {
    // half of dr X's requests go to the watched patients, whose visibility changes
    return random.nextBoolean() && !world.watched.isEmpty()
        ? world.watched.get(random.nextInt(world.watched.size()))
        : world.patients.get(random.nextInt(world.patients.size()));
  }

  private String resourceOf(Patient patient) {
    if (random.nextInt(4) == 0) {
      return "Patient/" + patient.id;
    }
    List<String> observations = patient.observations;
    return "Observation/" + observations.get(random.nextInt(observations.size()));
  }

  private void readAsDrx() {
    Patient patient = anyPatient();
    URI url = http.url(node(), resourceOf(patient));
    Snapshot start = invariant.snapshot();
    Answer answer = http.get(Kind.READ_DRX, url, drx.get(), false);
    Snapshot end = invariant.snapshot();
    if (expect(Kind.READ_DRX, "GET " + url, answer, 200, 404)) {
      report(
          Kind.READ_DRX,
          "GET " + url,
          invariant.checkRead(start, end, patient.id, answer.status()));
    }
  }

  private void readAsEhr() {
    URI url = http.url(node(), resourceOf(anyPatient()));
    expect(Kind.READ_EHR, "GET " + url, http.get(Kind.READ_EHR, url, ehr.get(), false), 200);
  }

  private void searchByPatient() {
    Patient patient = anyPatient();
    int known = patient.confirmed.get();
    // no-cache: a search cached before the last create would rightly miss it
    search(
        Kind.SEARCH_PATIENT,
        "Observation?patient=Patient/" + patient.id + "&_count=50&_total=accurate",
        true,
        patient.id,
        Map.of(patient.id, known),
        Map.of(patient.id, Integer.MAX_VALUE));
  }

  private void searchByCode() {
    int code = random.nextInt(SoakWorld.SEARCHED_CODES.size());
    Map<String, Integer> matches = world.matchesByPatient(code);
    // no Cache-Control: these results do not change but for Consents, so a cached search must
    // follow the Consents too
    search(
        Kind.SEARCH_CODE,
        "Observation?code="
            + SoakWorld.LOINC
            + "|"
            + SoakWorld.SEARCHED_CODES.get(code)[0]
            + "&_tag="
            + SoakWorld.TAG_SYSTEM
            + "|"
            + world.run
            + "&_count=50&_total=accurate",
        false,
        null,
        matches,
        matches);
  }

  /**
   * A search as dr X with all its pages, each page checked, then the whole against the matches.
   * {@code onlyPatient}: the search is by that patient, whose hidden record may answer 404 as if
   * the patient did not exist.
   */
  private void search(
      Kind kind,
      String query,
      boolean noCache,
      String onlyPatient,
      Map<String, Integer> atLeast,
      Map<String, Integer> atMost) {
    int node = node();
    URI url = http.url(node, query.replace("|", "%7C"));
    Snapshot first = invariant.snapshot();
    Map<String, Integer> entries = new HashMap<>();
    Kind pageKind = kind;
    for (int page = 0; url != null; page++) {
      Snapshot start = page == 0 ? first : invariant.snapshot();
      Answer answer = http.get(pageKind, url, drx.get(), noCache);
      Snapshot end = invariant.snapshot();
      String request = "GET " + url;
      if (page == 0 && onlyPatient != null && answer.status() == 404) {
        report(pageKind, request, invariant.checkRead(start, end, onlyPatient, 404));
        return;
      }
      if (!expect(pageKind, request, answer, 200)) {
        return;
      }
      JsonNode bundle = parse(pageKind, request, answer);
      if (bundle == null) {
        return;
      }
      Map<String, Integer> onPage = new HashMap<>();
      for (JsonNode entry : bundle.path("entry")) {
        String subject = entry.path("resource").path("subject").path("reference").asText("");
        String patient = subject.startsWith("Patient/") ? subject.substring(8) : subject;
        onPage.merge(patient, 1, Integer::sum);
        entries.merge(patient, 1, Integer::sum);
      }
      report(pageKind, request, invariant.checkPage(start, end, onPage));
      if (page == 0) {
        Integer total = bundle.has("total") ? bundle.get("total").asInt() : null;
        report(pageKind, request, invariant.checkTotal(start, end, total, atLeast, atMost));
      }
      url = null;
      for (JsonNode link : bundle.path("link")) {
        if ("next".equals(link.path("relation").asText())) {
          // the next page on the other node (when there are two), to prove paging across nodes
          node = (node + 1) % http.nodes().size();
          url = http.onNode(link.path("url").asText(), node);
        }
      }
      pageKind = Kind.PAGE;
    }
    report(
        kind,
        "GET " + query,
        invariant.checkComplete(first, invariant.snapshot(), entries, atLeast));
  }

  private void create() {
    Patient patient = world.patients.get(random.nextInt(world.patients.size()));
    ObjectNode obs = world.observation(null, patient.id, SoakWorld.WRITTEN_CODE, random);
    URI url = http.url(node(), "Observation");
    Answer answer = http.send(Kind.CREATE, "POST", url, ehr.get(), obs.toString());
    if (expect(Kind.CREATE, "POST " + url, answer, 201)) {
      JsonNode created = parse(Kind.CREATE, "POST " + url, answer);
      if (created != null && created.hasNonNull("id")) {
        patient.observations.add(created.get("id").asText());
        patient.confirmed.incrementAndGet();
      } else if (created != null) {
        stats.error(Kind.CREATE, "POST " + url, "201 without the new resource's id");
      }
    }
  }

  private void update() {
    Patient patient = world.patients.get(random.nextInt(world.patients.size()));
    int k = random.nextInt(patient.loaded.size());
    String id = patient.loaded.get(k);
    // two updates of one resource at once: the later one rightly fails with 409 (HAPI's version
    // check), which is not what the soak looks for; this client updates another one instead
    if (!world.updating.add(id)) {
      readAsEhr();
      return;
    }
    try {
      update(patient, k, id);
    } finally {
      world.updating.remove(id);
    }
  }

  private void update(Patient patient, int k, String id) {
    ObjectNode obs = world.observation(id, patient.id, SoakWorld.loadedCode(k), random);
    URI url = http.url(node(), "Observation/" + id);
    expect(
        Kind.UPDATE,
        "PUT " + url,
        http.send(Kind.UPDATE, "PUT", url, ehr.get(), obs.toString()),
        200);
  }

  /** A watched patient's next Consent change: deny dr X's organization, or revoke that. */
  private void changeConsent() {
    Patient patient = null;
    for (int tries = 0; tries < 4 && patient == null; tries++) {
      Patient candidate = world.watched.get(random.nextInt(world.watched.size()));
      if (candidate.changing.compareAndSet(false, true)) {
        patient = candidate;
      }
    }
    if (patient == null) {
      readAsDrx(); // every watched patient is busy: do something else
      return;
    }
    boolean ok = false;
    String token = patients.get(patient.id).get();
    invariant.beginChange(patient.id);
    if (patient.denyConsent == null) {
      URI url = http.url(node(), "Consent");
      Answer answer =
          http.send(Kind.CONSENT, "POST", url, token, world.denyConsent(patient.id).toString());
      if (expect(Kind.CONSENT, "POST " + url, answer, 201)) {
        JsonNode created = parse(Kind.CONSENT, "POST " + url, answer);
        if (created != null && created.hasNonNull("id")) {
          patient.denyConsent = created.toString();
          invariant.endChange(patient.id, Visibility.DENIED);
          ok = true;
        }
      }
    } else {
      ObjectNode consent =
          (ObjectNode)
              parse(Kind.CONSENT, "stored Consent", new Answer(200, patient.denyConsent, null));
      String id = consent.get("id").asText();
      URI url = http.url(node(), "Consent/" + id);
      Answer answer;
      String request;
      if (random.nextBoolean()) {
        request = "DELETE " + url;
        answer = http.send(Kind.CONSENT, "DELETE", url, token, null);
      } else {
        request = "PUT " + url + " (status inactive)";
        consent.put("status", "inactive");
        consent.remove("meta");
        answer = http.send(Kind.CONSENT, "PUT", url, token, consent.toString());
      }
      if (expect(Kind.CONSENT, request, answer, 200, 204)) {
        patient.denyConsent = null;
        invariant.endChange(patient.id, Visibility.ALLOWED);
        ok = true;
      }
    }
    if (ok) {
      patient.changing.set(false);
    } else {
      // its state stays CHANGING (nothing is checked for it any more) and it changes no more
      stats.note("Patient/" + patient.id + " left out of Consent changes after a failed change");
    }
  }

  /** True if the answer has one of the statuses; else an error, counted and logged. */
  private boolean expect(Kind kind, String request, Answer answer, int... statuses) {
    for (int status : statuses) {
      if (answer.status() == status) {
        return true;
      }
    }
    stats.error(
        kind,
        request,
        answer.answered()
            ? "answered " + answer.status() + ": " + brief(answer.body())
            : answer.problem());
    return false;
  }

  private JsonNode parse(Kind kind, String request, Answer answer) {
    try {
      return JSON.readTree(answer.body());
    } catch (IOException e) {
      stats.error(kind, request, "the answer is not JSON: " + brief(answer.body()));
      return null;
    }
  }

  private void report(Kind kind, String request, List<Finding> findings) {
    for (Finding finding : findings) {
      if (finding.kind() == ConsentInvariant.Kind.LEAK) {
        stats.leak(kind, request, finding.message());
      } else {
        stats.error(kind, request, finding.message());
      }
    }
  }

  private static String brief(String body) {
    String text = body == null ? "" : body.replaceAll("\\s+", " ");
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
