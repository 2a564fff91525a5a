package org.consentry.server.devices;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.consentry.server.consent.RequesterSearches;
import org.consentry.server.crypto.Plaintext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wearables and other devices: series ingest and range queries. */
@Configuration(proxyBeanMethods = false)
class DevicesConfig {

  @Bean
  MeasurementIngestOperation measurementIngestOperation(
      DaoRegistry daos, Plaintext plaintext, IInterceptorService storage) {
    storage.registerInterceptor(new NewWindows());
    return new MeasurementIngestOperation(daos, plaintext);
  }

  @Bean
  SeriesOperation seriesOperation(RequesterSearches searches, Plaintext plaintext) {
    return new SeriesOperation(searches, plaintext);
  }
}
