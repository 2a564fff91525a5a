package org.consentry.server.alerts;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.consentry.server.alerts.AlertProperties.Rule;
import org.consentry.server.alerts.Episodes.Run;
import org.consentry.server.alerts.Measurements.Point;
import org.consentry.server.cluster.Generations;
import org.consentry.server.cluster.Generations.Topic;
import org.consentry.server.crypto.Plaintext;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;

/**
 * Evaluates one rule for one patient and raises or ends the patient's Flag: it reads the patient's
 * measurements of the rule's codes around the new ones (the sustained time and max-gap on either
 * side), finds the runs where the condition holds ({@link Episodes}), and compares them with the
 * Flags this rule raised for the patient (tagged {@value #RULES}|rule id):
 *
 * <ul>
 *   <li>a run that no Flag's period overlaps, while no Flag of the rule is active, raises one Flag
 *       (status active; inactive with its period ended at once if the values came back in range
 *       within the data read);
 *   <li>a run while a Flag is active is the same episode: nothing new;
 *   <li>an active Flag whose latest measurement is back in range is ended (status inactive, period
 *       end), so the next run is a new episode.
 * </ul>
 *
 * The Flag names its evidence (the Observations of the run, standard extension flag-detail) and
 * carries their security labels, so it is never shown more widely than what it is about. It is
 * written as the server (labelled and encrypted like any write).
 */
final class AlertRaiser implements AlertWorker.Evaluation {

  /** The system of the Flag's code and tag: the rule's id. */
  static final String RULES = "https://consentry.org/fhir/CodeSystem/alert-rule";

  static final String FLAG_DETAIL = "http://hl7.org/fhir/StructureDefinition/flag-detail";
  private static final int MAX_EVIDENCE = 20;
  private static final int MAX_OBSERVATIONS = 5000;

  private final Map<String, Rule> rules;
  private final DaoRegistry daos;
  private final Plaintext plaintext;
  private final Generations generations;
  private final NoActiveFlags noActive = new NoActiveFlags(100_000);

  AlertRaiser(
      AlertProperties properties, DaoRegistry daos, Plaintext plaintext, Generations generations) {
    this.rules =
        properties.rules().stream().collect(Collectors.toMap(Rule::id, Function.identity()));
    this.daos = daos;
    this.plaintext = plaintext;
    this.generations = generations;
  }

  @Override
  public void evaluate(String patient, String ruleId, long from, long to) {
    Rule rule = rules.get(ruleId);
    if (rule == null) {
      return;
    }
    long margin = rule.sustained().toMillis() + rule.maxGap().toMillis();
    Map<String, Observation> observations = new java.util.LinkedHashMap<>();
    List<Point> points = new ArrayList<>();
    for (IBaseResource found : observations(patient, rule, from - margin, to + margin)) {
      Observation observation = ((Observation) found).copy();
      plaintext.reveal(observation); // a restricted Observation's values are encrypted
      String source = "Observation/" + found.getIdElement().getIdPart();
      observations.put(source, (Observation) found);
      points.addAll(Measurements.of(observation, rule.unit(), source));
    }
    List<Run> runs = Episodes.of(rule, points);
    long cleared = Episodes.clearedAt(rule, points);
    if (runs.isEmpty() && cleared < 0) {
      return; // nothing to raise, and nothing back in range that could end a Flag
    }
    long generation = generations.current(Topic.FLAGS); // before the Flags are read
    if (runs.isEmpty() && noActive.known(patient, ruleId, generation)) {
      return; // nothing to raise, and no active Flag to end
    }
    List<Flag> flags = flags(patient, ruleId);
    Flag active =
        flags.stream()
            .filter(f -> f.getStatus() == Flag.FlagStatus.ACTIVE)
            .findFirst()
            .orElse(null);
    for (Run run : runs) {
      if (active != null || flags.stream().anyMatch(f -> overlaps(f, run))) {
        continue;
      }
      long ended = firstInRangeAfter(rule, points, run.end());
      Flag flag = raise(rule, patient, run, ended, observations);
      flags.add(flag);
      if (ended < 0) {
        active = flag;
      }
    }
    if (active != null && cleared >= 0 && cleared > active.getPeriod().getStart().getTime()) {
      active.setStatus(Flag.FlagStatus.INACTIVE);
      active.getPeriod().setEnd(new Date(cleared));
      daos.getResourceDao(Flag.class).update(active, new SystemRequestDetails());
      active = null;
    }
    if (active == null) {
      noActive.remember(patient, ruleId, generation);
    } else {
      noActive.forget(patient, ruleId);
    }
  }

  private List<IBaseResource> observations(String patient, Rule rule, long from, long to) {
    SearchParameterMap search = SearchParameterMap.newSynchronous();
    search.add(Observation.SP_SUBJECT, new ReferenceParam("Patient/" + patient));
    TokenOrListParam codes = new TokenOrListParam();
    for (String code : rule.codes()) {
      String[] parts = code.split("\\|", 2);
      codes.addOr(new TokenParam(parts[0], parts[1]));
    }
    search.add(Observation.SP_CODE, codes);
    search.add(Observation.SP_DATE, new DateRangeParam(new Date(from), new Date(to)));
    search.setCount(MAX_OBSERVATIONS);
    return daos.getResourceDao(Observation.class)
        .search(search, new SystemRequestDetails())
        .getResources(0, MAX_OBSERVATIONS);
  }

  private List<Flag> flags(String patient, String ruleId) {
    SearchParameterMap search = SearchParameterMap.newSynchronous();
    search.add(Flag.SP_PATIENT, new ReferenceParam("Patient/" + patient));
    search.add("_tag", new TokenParam(RULES, ruleId));
    List<Flag> flags = new ArrayList<>();
    for (IBaseResource found :
        daos.getResourceDao(Flag.class)
            .search(search, new SystemRequestDetails())
            .getAllResources()) {
      flags.add((Flag) found);
    }
    return flags;
  }

  private static boolean overlaps(Flag flag, Run run) {
    Date start = flag.getPeriod().getStart();
    Date end = flag.getPeriod().getEnd();
    return start != null
        && start.getTime() <= run.end()
        && (end == null || end.getTime() >= run.start());
  }

  private static long firstInRangeAfter(Rule rule, List<Point> points, long after) {
    long first = -1;
    for (Point point : points) {
      if (point.time() > after
          && !rule.beyond(point.value())
          && (first < 0 || point.time() < first)) {
        first = point.time();
      }
    }
    return first;
  }

  private Flag raise(
      Rule rule, String patient, Run run, long ended, Map<String, Observation> observations) {
    Flag flag = new Flag();
    flag.setStatus(ended < 0 ? Flag.FlagStatus.ACTIVE : Flag.FlagStatus.INACTIVE);
    flag.addCategory()
        .addCoding(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/flag-category", "clinical", "Clinical"));
    String unit = rule.unit() == null || rule.unit().isBlank() ? "" : " " + rule.unit();
    flag.getCode()
        .addCoding(new Coding(RULES, rule.id(), rule.describe()))
        .setText(
            rule.describe()
                + ": "
                + (rule.above() != null ? "highest " : "lowest ")
                + run.extreme()
                + unit);
    flag.setSubject(new Reference("Patient/" + patient));
    flag.getPeriod().setStart(new Date(run.start()));
    if (ended >= 0) {
      flag.getPeriod().setEnd(new Date(ended));
    }
    flag.getMeta().addTag(RULES, rule.id(), null);
    Set<String> labels = new HashSet<>();
    int evidence = 0;
    for (String source : run.sources()) {
      if (evidence++ < MAX_EVIDENCE) {
        flag.addExtension(FLAG_DETAIL, new Reference(source));
      }
      for (Coding label : observations.get(source).getMeta().getSecurity()) {
        if (labels.add(label.getSystem() + "|" + label.getCode())) {
          flag.getMeta().addSecurity(label.copy());
        }
      }
    }
    daos.getResourceDao(Flag.class).create(flag, new SystemRequestDetails());
    return flag;
  }
}
