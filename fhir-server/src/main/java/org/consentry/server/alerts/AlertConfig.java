package org.consentry.server.alerts;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.consentry.server.cluster.ClusterLocks;
import org.consentry.server.cluster.Generations;
import org.consentry.server.crypto.Plaintext;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Alert rules on stored Observations, evaluated after commit on one background thread. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AlertProperties.class)
class AlertConfig {

  @Bean(destroyMethod = "close")
  AlertWorker alertWorker(
      AlertProperties properties,
      DaoRegistry daos,
      Plaintext plaintext,
      Generations generations,
      ClusterLocks locks,
      IInterceptorService storage) {
    AlertWorker worker = new AlertWorker(properties.queue());
    AlertRaiser raiser = new AlertRaiser(properties, daos, plaintext, generations);
    // one patient's rule is evaluated on one node at a time: two nodes never raise two Flags for
    // one episode, and the one that comes second sees the Flag the first raised (or ended)
    worker.evaluateWith(
        (patient, rule, from, to) ->
            locks.holding(
                "alert|" + rule + "|" + patient,
                () -> {
                  raiser.evaluate(patient, rule, from, to);
                  return null;
                }));
    if (properties.enabled() && !properties.rules().isEmpty()) {
      storage.registerInterceptor(new AlertHook(properties, worker));
    }
    return worker;
  }
}
