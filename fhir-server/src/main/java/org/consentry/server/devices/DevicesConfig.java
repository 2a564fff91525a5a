package org.consentry.server.devices;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import org.consentry.server.consent.RequesterSearches;
import org.consentry.server.crypto.Plaintext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wearables and other devices: series ingest and range queries. */
@Configuration(proxyBeanMethods = false)
class DevicesConfig {

  @Bean
  MeasurementIngestOperation measurementIngestOperation(
      DaoRegistry daos, IHapiTransactionService transactions, Plaintext plaintext) {
    return new MeasurementIngestOperation(daos, transactions, plaintext);
  }

  @Bean
  SeriesOperation seriesOperation(RequesterSearches searches, Plaintext plaintext) {
    return new SeriesOperation(searches, plaintext);
  }
}
