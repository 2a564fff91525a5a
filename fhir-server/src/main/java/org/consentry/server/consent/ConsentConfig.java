package org.consentry.server.consent;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import org.consentry.consent.ConsentEngine;
import org.consentry.server.cluster.Generations;
import org.consentry.server.fhir.CarriedLabels;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.fhir.Pipeline;
import org.consentry.server.fhir.ServerReader;
import org.consentry.server.security.ReadAccess;
import org.consentry.server.storage.TypeWrites;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Consent on every read path: the decision step on HAPI's storage hooks ({@link ConsentHooks} with
 * {@link ConsentEnforcement}), consent in the query ({@link ConsentViewNarrowing}), the request
 * rules of {@link ConsentRules}, references in writes ({@link WriteReferenceRules}), Bulk Data
 * exports ({@link ExportConsent}; kick-off rules in {@link ExportKickOff}, jobs and files for their
 * requester only in {@link ExportJobAccess} and {@link ExportOutputAccess}), cache invalidation
 * ({@link TypeWrites} on Consent) and {@code $consent-decision}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsentProperties.class)
class ConsentConfig {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(ConsentConfig.class);

  @Bean
  ConsentEngine consentEngine(ConsentProperties properties) {
    return new ConsentEngine(properties.policy(), Clock.systemUTC());
  }

  @Bean
  ConsentCache consentCache(
      ConsentEngine engine,
      DaoRegistry daos,
      Generations generations,
      IInterceptorService storage,
      PatientCompartment compartment) {
    ConsentCache cache = new ConsentCache(engine, daos, new ConsentGeneration(generations));
    storage.registerInterceptor(new TypeWrites(Map.of("Consent", cache::invalidate)));
    // on every node, consent on or off: a write of several patients' resource retires the
    // co-owner lists that nodes with consent on keep (CoOwners)
    storage.registerInterceptor(new CoOwnedWrites(compartment, generations));
    return cache;
  }

  @Bean
  AccessLog accessLog() {
    return new AccessLog();
  }

  @Bean
  ConsentEnforcement consentEnforcement(
      PatientCompartment compartment,
      ConsentEngine engine,
      ConsentCache cache,
      AccessLog accessLog,
      IInterceptorService storage) {
    ConsentEnforcement enforcement =
        new ConsentEnforcement(compartment, new ReadAccess(), engine, cache, accessLog);
    storage.registerInterceptor(new ExportConsent(enforcement));
    return enforcement;
  }

  /**
   * On every node, consent on or off: the first resource of a type to carry a label records it
   * (nodes with consent on leave out of their views what no resource of a type carries).
   */
  @Bean
  TypeLabels typeLabels(DataSource dataSource, Generations generations, CarriedLabels carried) {
    return new TypeLabels(dataSource, generations, carried);
  }

  @Bean
  ConsentViews consentViews(
      FhirContext fhir,
      ConsentEngine engine,
      ConsentCache cache,
      TypeLabels labels,
      PatientCompartment compartment) {
    return new ConsentViews(
        fhir,
        engine,
        generation -> cache.snapshot(generation).byPatient(),
        labels::mayCarry,
        compartment,
        Clock.systemUTC());
  }

  @Bean
  RequesterSearches requesterSearches(
      FhirContext fhir,
      DaoRegistry daos,
      MatchUrlService matchUrls,
      ConsentViews views,
      ConsentCache cache) {
    return new RequesterSearches(daos, new ServerSearches(fhir, daos, matchUrls), views, cache);
  }

  @Bean
  @Order(Pipeline.CONSENT_VIEW)
  @ConditionalOnProperty(
      name = "consentry.consent.enabled",
      havingValue = "true",
      matchIfMissing = true)
  ConsentViewNarrowing consentViewNarrowing(
      FhirContext fhir,
      DaoRegistry daos,
      MatchUrlService matchUrls,
      ISearchParamRegistry searchParams,
      ISearchParamExtractor extractor,
      ConsentEnforcement enforcement,
      ConsentViews views,
      ConsentCache cache,
      DataSource dataSource,
      PartitionSettings partitions) {
    LinkedSearches linked =
        new LinkedSearches(
            fhir,
            new ServerSearches(fhir, daos, matchUrls),
            searchParams,
            extractor,
            enforcement,
            views,
            cache);
    return new ConsentViewNarrowing(
        views,
        cache,
        linked,
        new PatientScope(
            fhir,
            (type, name) ->
                searchParams.getActiveSearchParam(
                    type, name, ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH)),
        new CoOwners(dataSource, partitions));
  }

  @Bean
  @Order(Pipeline.CONSENT)
  @ConditionalOnProperty(
      name = "consentry.consent.enabled",
      havingValue = "true",
      matchIfMissing = true)
  ConsentHooks consentHooks(
      FhirContext fhir,
      DaoRegistry daos,
      MatchUrlService matchUrls,
      ConsentEnforcement enforcement) {
    return new ConsentHooks(
        enforcement, new ResidualCount(new ServerSearches(fhir, daos, matchUrls), enforcement));
  }

  @Bean
  @Order(Pipeline.CONSENT_RULES)
  @ConditionalOnProperty(
      name = "consentry.consent.enabled",
      havingValue = "true",
      matchIfMissing = true)
  ConsentRules consentRules(ConsentEnforcement enforcement) {
    return new ConsentRules(enforcement);
  }

  @Bean
  @Order(Pipeline.WRITE_REFERENCES)
  @ConditionalOnProperty(
      name = "consentry.consent.enabled",
      havingValue = "true",
      matchIfMissing = true)
  WriteReferenceRules writeReferenceRules(
      FhirContext fhir, ServerReader reader, ConsentEnforcement enforcement) {
    return new WriteReferenceRules(fhir, reader, enforcement);
  }

  @Bean
  @Order(Pipeline.EXPORT_JOBS)
  @ConditionalOnProperty(
      name = "consentry.consent.enabled",
      havingValue = "true",
      matchIfMissing = true)
  ExportKickOff exportKickOff(
      FhirContext fhir,
      ISearchParamRegistry searchParams,
      DaoRegistry daos,
      ConsentEnforcement enforcement) {
    return new ExportKickOff(
        new ExportFilters(fhir, searchParams), new ExportTargets(daos, enforcement));
  }

  /** With consent off no export remembers its requester, so there would be no owner to check. */
  @Bean
  @Order(Pipeline.EXPORT_JOBS)
  @ConditionalOnProperty(
      name = "consentry.consent.enabled",
      havingValue = "true",
      matchIfMissing = true)
  ExportJobAccess exportJobAccess(IJobCoordinator jobs) {
    return new ExportJobAccess(jobs);
  }

  @Bean
  @ConditionalOnProperty(name = "consentry.consent.enabled", havingValue = "false")
  Object consentOffWarning() {
    log.warn(
        "consentry.consent.enabled=false: consent is NOT enforced and patient-scoped tokens are not"
            + " filtered per resource. For measuring its cost only; never with real data.");
    return new Object();
  }

  @Bean
  @Order(Pipeline.EXPORT_FILES)
  ExportOutputAccess exportOutputAccess(FhirContext fhir) {
    return new ExportOutputAccess(fhir);
  }

  @Bean
  ConsentDecisionOperation consentDecisionOperation(
      FhirContext fhir,
      DaoRegistry daos,
      MatchUrlService matchUrls,
      PatientCompartment compartment,
      ConsentEngine engine,
      ConsentCache cache,
      ConsentEnforcement enforcement) {
    RecordPreview preview =
        new RecordPreview(
            fhir,
            daos,
            new ServerSearches(fhir, daos, matchUrls),
            compartment,
            engine,
            cache,
            enforcement);
    return new ConsentDecisionOperation(daos, compartment, engine, cache, preview);
  }
}
