package org.consentry.server.alerts;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
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
      IInterceptorService storage) {
    AlertWorker worker = new AlertWorker(properties.queue());
    worker.evaluateWith(new AlertRaiser(properties, daos, plaintext, generations));
    if (properties.enabled() && !properties.rules().isEmpty()) {
      storage.registerInterceptor(new AlertHook(properties, worker));
    }
    return worker;
  }
}
