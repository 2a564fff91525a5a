package org.consentry.server.fhir;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.esr.ExternallyStoredResourceServiceRegistry;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Whose record a resource is: lets {@link PatientCompartment} follow a Binary's security context to
 * the resource it names, and keeps the {@link OwnerIndex} search indexes.
 */
@Configuration(proxyBeanMethods = false)
class OwnershipConfig {

  @Bean
  ServerReader serverReader(DaoRegistry daos, PatientCompartment compartment) {
    ServerReader reader = new ServerReader(daos);
    compartment.readReferencesWith(reader);
    return reader;
  }

  @Bean
  CarriedLabels carriedLabels() {
    return new CarriedLabels();
  }

  /** HAPI's index extraction with the owner indexes added; replaces HAPI's own extractor bean. */
  @Bean
  @Primary
  ISearchParamExtractor ownerIndexingExtractor(
      PatientCompartment compartment,
      PartitionSettings partitions,
      @Lazy ISearchParamRegistry registry,
      CarriedLabels carried) {
    return new OwnerIndexingExtractor(compartment, partitions, registry, carried);
  }

  /**
   * A resource a transaction creates is indexed once, in the transaction's second pass; replaces
   * HAPI's own bean.
   */
  @Bean
  @Primary
  IndexOncePerWrite indexOncePerWrite(FirstPassText firstPassText) {
    return new IndexOncePerWrite(firstPassText);
  }

  /** A new resource's text is encoded in a transaction's second pass only. */
  @Bean
  FirstPassText firstPassText(
      ExternallyStoredResourceServiceRegistry providers, IInterceptorService storage) {
    FirstPassText text = new FirstPassText();
    providers.registerProvider(text);
    storage.registerInterceptor(text);
    return text;
  }

  /** A label changed in place ({@code $meta-add}, relabelling) is indexed again at once. */
  @Bean
  MetaLabelReindex metaLabelReindex(
      DaoRegistry daos,
      PatientCompartment compartment,
      PlatformTransactionManager transactions,
      IInterceptorService storage) {
    MetaLabelReindex reindex = new MetaLabelReindex(daos, compartment, transactions);
    storage.registerInterceptor(reindex);
    return reindex;
  }

  @Bean
  OwnerIndexDeclarations ownerIndexDeclarations(
      FhirContext fhir,
      DaoRegistry daos,
      ISearchParamRegistry registry,
      IJobCoordinator jobs,
      DataSource dataSource,
      PatientCompartment compartment) {
    return new OwnerIndexDeclarations(fhir, daos, registry, jobs, dataSource, compartment);
  }

  /** Before the first search: the owner indexes are declared (and existing data indexed once). */
  @EventListener(ContextRefreshedEvent.class)
  void declareOwnerIndexes(ContextRefreshedEvent event) {
    event.getApplicationContext().getBean(OwnerIndexDeclarations.class).store();
  }
}
