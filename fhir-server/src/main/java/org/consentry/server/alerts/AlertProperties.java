package org.consentry.server.alerts;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Alert rules ({@code consentry.alerts.*}), checked at start-up: a rule that cannot be applied
 * stops the server with a message that names it.
 *
 * @param enabled whether stored Observations are evaluated at all
 * @param rules the rules, for the whole population or one patient each
 * @param queue how many evaluations may wait; beyond that they are dropped (and logged), never
 *     slowing a write
 */
@ConfigurationProperties("consentry.alerts")
public record AlertProperties(
    @DefaultValue("true") boolean enabled, List<Rule> rules, @DefaultValue("10000") int queue) {

  /**
   * One rule.
   *
   * @param id a short name ({@code [a-z0-9-]+}), the Flag's code and what episodes are counted by
   * @param title what the Flag says (default: made from the rule)
   * @param codes the Observation codes it watches, each {@code system|code} (for example {@code
   *     http://loinc.org|8867-4})
   * @param above fires when values are above this (exclusive); exactly one of above and below
   * @param below fires when values are below this (exclusive)
   * @param unit the UCUM code values must carry ({@code /min}, {@code %}); values in another unit
   *     are ignored. Blank: any unit
   * @param sustained how long values must stay beyond the threshold; zero: any single value
   * @param maxGap the longest time between two measurements that still counts as sustained
   * @param patient the bare id of the one patient this rule is for; blank: every patient
   */
  public record Rule(
      String id,
      String title,
      List<String> codes,
      Double above,
      Double below,
      String unit,
      @DefaultValue("0s") Duration sustained,
      @DefaultValue("2m") Duration maxGap,
      String patient) {

    /** Whether a value is beyond the threshold. */
    boolean beyond(double value) {
      return above != null ? value > above : value < below;
    }

    boolean watches(String system, String code) {
      return codes.contains(system + "|" + code);
    }

    boolean isFor(String patientId) {
      return patient == null || patient.isBlank() || patient.equals(patientId);
    }

    String describe() {
      if (title != null && !title.isBlank()) {
        return title;
      }
      String threshold =
          (above != null ? "above " + number(above) : "below " + number(below))
              + (unit == null || unit.isBlank() ? "" : " " + unit);
      return "Values "
          + threshold
          + (sustained.isZero() ? "" : " for " + sustained.toMinutes() + " minutes")
          + " ("
          + String.join(", ", codes)
          + ")";
    }

    private static String number(double value) {
      return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
  }

  public AlertProperties {
    rules = rules == null ? List.of() : List.copyOf(rules);
    if (queue < 1) {
      throw new IllegalArgumentException("consentry.alerts.queue must be at least 1");
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      String at = "consentry.alerts.rules[" + i + "]";
      if (rule.id() == null || !rule.id().matches("[a-z0-9][a-z0-9-]{0,63}")) {
        throw new IllegalArgumentException(
            at + ".id '" + rule.id() + "' must be a short name of a-z, 0-9 and '-'");
      }
      at = "consentry.alerts rule '" + rule.id() + "'";
      if (!ids.add(rule.id())) {
        throw new IllegalArgumentException(at + " is defined twice");
      }
      if (rule.codes() == null || rule.codes().isEmpty()) {
        throw new IllegalArgumentException(at + ": codes is empty (system|code, ...)");
      }
      for (String code : rule.codes()) {
        String[] parts = code.split("\\|", -1);
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
          throw new IllegalArgumentException(
              at + ": code '" + code + "' is not system|code, such as http://loinc.org|8867-4");
        }
      }
      if ((rule.above() == null) == (rule.below() == null)) {
        throw new IllegalArgumentException(at + ": give exactly one of above and below");
      }
      if (rule.sustained() == null
          || rule.sustained().isNegative()
          || rule.maxGap() == null
          || rule.maxGap().isZero()
          || rule.maxGap().isNegative()) {
        throw new IllegalArgumentException(
            at + ": sustained must be zero or more and max-gap more than zero");
      }
    }
  }
}
