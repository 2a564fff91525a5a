package org.consentry.server.alerts;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.math.BigDecimal;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Set;
import org.consentry.server.alerts.AlertProperties.Rule;
import org.consentry.server.storage.AfterCommit;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.SampledData;

/**
 * Notices stored Observations that a rule watches (code, and patient for a per-patient rule) and
 * hands them to {@link AlertWorker} once the write has committed. It reads only the code, subject
 * and times of the Observation (never encrypted) and does no I/O: a write is neither slowed nor
 * failed by alerting, and a write that rolls back is never evaluated.
 */
@Interceptor
final class AlertHook {

  private final AlertProperties properties;
  private final AlertWorker worker;

  AlertHook(AlertProperties properties, AlertWorker worker) {
    this.properties = properties;
    this.worker = worker;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    stored(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource) {
    stored(resource);
  }

  private void stored(IBaseResource resource) {
    if (!(resource instanceof Observation observation)) {
      return;
    }
    String reference = observation.getSubject().getReference();
    if (reference == null || !reference.startsWith("Patient/")) {
      return;
    }
    String patient = reference.substring("Patient/".length());
    Set<String> rules = new LinkedHashSet<>();
    for (Rule rule : properties.rules()) {
      if (rule.isFor(patient) && watches(rule, observation)) {
        rules.add(rule.id());
      }
    }
    Date start = Measurements.start(observation);
    if (rules.isEmpty() || start == null) {
      return;
    }
    long from = start.getTime();
    long to = end(observation, from);
    Runnable evaluate = () -> rules.forEach(rule -> worker.submit(patient, rule, from, to));
    AfterCommit.run(evaluate);
  }

  private static boolean watches(Rule rule, Observation observation) {
    for (Coding coding : observation.getCode().getCoding()) {
      if (rule.watches(coding.getSystem(), coding.getCode())) {
        return true;
      }
    }
    return false;
  }

  /** When the Observation's values end: its period's end, or the last sample of a series. */
  private static long end(Observation observation, long start) {
    if (observation.hasEffectivePeriod() && observation.getEffectivePeriod().hasEnd()) {
      return Math.max(start, observation.getEffectivePeriod().getEnd().getTime());
    }
    if (observation.hasValueSampledData()) {
      SampledData data = observation.getValueSampledData();
      if (data.hasPeriod() && data.hasData()) {
        int dimensions = data.hasDimensions() ? Math.max(1, data.getDimensions()) : 1;
        long samples = Measurements.count(data.getData()) / dimensions;
        return start + data.getPeriod().multiply(BigDecimal.valueOf(samples)).longValue();
      }
    }
    return start;
  }
}
