package org.consentry.server.fhir;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binstore.DatabaseBinaryContentStorageSvcImpl;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.search.HapiHSearchAnalysisConfigurers.HapiLuceneAnalysisConfigurer;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.jpa.subscription.submit.config.SubscriptionSubmitterConfig;
import jakarta.persistence.EntityManagerFactory;
import java.util.Map;
import javax.sql.DataSource;
import org.consentry.server.storage.BinaryContentStore;
import org.consentry.server.storage.ExportFileExpunger;
import org.consentry.server.storage.NotInOnJoinedIndex;
import org.consentry.server.storage.SchemaStamp;
import org.consentry.server.subscription.SubscriptionProperties;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/**
 * HAPI's JPA persistence for R4 on PostgreSQL, Batch2 jobs (bulk export) and the message broker
 * they use, and HAPI's Subscription matching (delivery is configured in the {@code subscription}
 * package). HAPI's own configuration classes do the work; this class supplies the beans they expect
 * from the application.
 */
@Configuration(proxyBeanMethods = false)
@EnableTransactionManagement
@Import({
  JpaR4Config.class,
  HapiJpaConfig.class,
  JpaBatch2Config.class,
  Batch2JobsConfig.class,
  SubscriptionSubmitterConfig.class,
  SubscriptionChannelConfig.class,
  ThreadPoolFactoryConfig.class
})
class FhirJpaConfig {

  private static final int STORED_APART_BYTES = 64 * 1024;

  @Bean
  JpaStorageSettings storageSettings(FhirProperties properties) {
    JpaStorageSettings settings = new JpaStorageSettings();
    settings.setBulkExportFileMaximumCapacity(properties.exportFileResources());
    // Any client id (Synthea and EHRs use UUIDs); the server assigns UUIDs too, so a
    // client-chosen id never collides with a server-assigned one.
    settings.setResourceClientIdStrategy(JpaStorageSettings.ClientIdStrategyEnum.ANY);
    settings.setResourceServerIdStrategy(JpaStorageSettings.IdStrategyEnum.UUID);
    settings.setEnforceReferentialIntegrityOnWrite(true);
    settings.setEnforceReferentialIntegrityOnDelete(true);
    settings.setAutoCreatePlaceholderReferenceTargets(false);
    settings.setAllowExternalReferences(false);
    settings.setAllowMultipleDelete(false);
    settings.setEnableTaskBulkExportJobExecution(true);
    // Never hand out an earlier export's files: consent is decided at every run, and a Consent
    // revoked since (or a patient erased) must be absent from the next one.
    settings.setEnableBulkExportJobReuse(false);
    // Hibernate Search (Lucene) serves terminology only ($subsumes, hierarchical $expand):
    // resource text is never indexed, so no full-text index holds patient data and
    // _text/_content searches are not offered.
    settings.setHibernateSearchIndexFullText(false);
    settings.setHibernateSearchIndexSearchParams(false);
    settings.setAdvancedHSearchIndexing(false);
    settings.setStoreResourceInHSearchIndex(false);
    return settings;
  }

  @Bean
  PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  /**
   * Subscriptions are matched in this process and delivered by rest-hook or websocket; every
   * notification is decided for its subscriber at delivery time (see the {@code subscription}
   * package). Other channel types (email, message) are refused when a Subscription is written.
   */
  @Bean
  SubscriptionSettings subscriptionSettings(SubscriptionProperties properties) {
    SubscriptionSettings settings = new SubscriptionSettings();
    settings.addSupportedSubscriptionType(
        org.hl7.fhir.dstu2.model.Subscription.SubscriptionChannelType.RESTHOOK);
    settings.addSupportedSubscriptionType(
        org.hl7.fhir.dstu2.model.Subscription.SubscriptionChannelType.WEBSOCKET);
    settings.setEnableInMemorySubscriptionMatching(true);
    // a criteria HAPI could only match with a database search is refused when written
    settings.setOnlyAllowInMemorySubscriptions(true);
    settings.setSubscriptionIntervalInMs(properties.pollInterval().toMillis());
    settings.setSubscriptionChangeQueuedImmediately(true);
    return settings;
  }

  /**
   * Binary content (bulk export files among it) is kept in the database: a Binary's content of at
   * least {@value #STORED_APART_BYTES} bytes as raw bytes in HAPI's binary storage table, apart
   * from the resource ({@link BinaryContentStore}).
   */
  @Lazy
  @Bean
  IBinaryStorageSvc binaryStorageSvc() {
    DatabaseBinaryContentStorageSvcImpl storage = new DatabaseBinaryContentStorageSvcImpl();
    storage.setMinimumBinarySize(STORED_APART_BYTES);
    return storage;
  }

  @Bean
  BinaryContentStore binaryContentStore(FhirContext fhir, IInterceptorService interceptors) {
    BinaryContentStore store = new BinaryContentStore(fhir);
    // a Binary shown is shown whole, as it was when its content was kept inside the resource
    store.setAutoInflateBinariesMaximumSize(Long.MAX_VALUE);
    interceptors.registerInterceptor(store);
    return store;
  }

  /** Export files are expunged, content included, once deleted ({@link ExportFileExpunger}). */
  @Bean(destroyMethod = "stop")
  ExportFileExpunger exportFileExpunger(
      DaoRegistry daos, DataSource dataSource, IInterceptorService interceptors) {
    ExportFileExpunger expunger = new ExportFileExpunger(daos, dataSource);
    interceptors.registerInterceptor(expunger);
    return expunger;
  }

  @Bean
  SchemaStamp schemaStamp(DataSource dataSource) {
    return SchemaStamp.forDialect(dataSource, HapiFhirPostgresDialect.class);
  }

  /** Search SQL with its exclusions on the index rows the query is driven by. */
  @Bean
  NotInOnJoinedIndex notInOnJoinedIndex() {
    return new NotInOnJoinedIndex();
  }

  @Primary
  @Bean
  LocalContainerEntityManagerFactoryBean entityManagerFactory(
      DataSource dataSource,
      SchemaStamp schemaStamp,
      NotInOnJoinedIndex notInOnJoinedIndex,
      ConfigurableListableBeanFactory beanFactory,
      FhirContext fhirContext,
      JpaStorageSettings storageSettings,
      FhirProperties properties) {
    LocalContainerEntityManagerFactoryBean factory =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(
            beanFactory, fhirContext, storageSettings);
    factory.setPersistenceUnitName("HAPI_PU");
    factory.setDataSource(dataSource);
    factory.setJpaPropertyMap(
        Map.ofEntries(
            Map.entry("hibernate.dialect", HapiFhirPostgresDialect.class.getName()),
            Map.entry("hibernate.hbm2ddl.auto", schemaStamp.schemaAction()),
            Map.entry("hibernate.search.enabled", "true"),
            Map.entry("hibernate.search.backend.type", "lucene"),
            Map.entry(
                "hibernate.search.backend.analysis.configurer",
                HapiLuceneAnalysisConfigurer.class.getName()),
            Map.entry("hibernate.search.backend.directory.type", "local-filesystem"),
            Map.entry(
                "hibernate.search.backend.directory.root",
                properties.terminologyIndexDir().toString()),
            Map.entry("hibernate.search.backend.lucene_version", "LUCENE_CURRENT"),
            Map.entry("hibernate.jdbc.batch_size", "50"),
            Map.entry("hibernate.order_inserts", "true"),
            Map.entry("hibernate.order_updates", "true"),
            Map.entry("hibernate.cache.use_query_cache", "false"),
            Map.entry("hibernate.cache.use_second_level_cache", "false"),
            Map.entry("hibernate.format_sql", "false"),
            Map.entry("hibernate.show_sql", "false"),
            Map.entry("hibernate.session_factory.statement_inspector", notInOnJoinedIndex)));
    return factory;
  }

  @Primary
  @Bean
  JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
    return new JpaTransactionManager(entityManagerFactory);
  }

  /** HAPI's repositories are created on first use (see {@link LazyRepositories}). */
  @Bean
  static LazyRepositories lazyRepositories() {
    return new LazyRepositories();
  }
}
