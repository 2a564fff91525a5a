package org.consentry.server.fhir;

import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.ValueSetOperationProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.narrative2.NullNarrativeGenerator;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.openapi.OpenApiInterceptor;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.List;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The FHIR REST endpoint at {@code /fhir}: every R4 resource type, system operations (transaction,
 * batch, history), {@code Patient/$everything}, Bulk Data {@code $export}, {@code $expand}, and
 * OpenAPI docs at {@code /fhir/api-docs}. GraphQL is not registered.
 */
@Configuration(proxyBeanMethods = false)
class FhirServerConfig {

  static final String FHIR_PATH = "/fhir";

  @Bean
  RestfulServer restfulServer(
      FhirProperties properties,
      IFhirSystemDao<?, ?> systemDao,
      ResourceProviderFactory resourceProviders,
      IJpaSystemProvider systemProvider,
      JpaStorageSettings storageSettings,
      ISearchParamRegistry searchParamRegistry,
      IValidationSupport validationSupport,
      DatabaseBackedPagingProvider pagingProvider,
      BulkDataExportProvider exportProvider,
      ValueSetOperationProvider valueSetOperations,
      List<FhirOperations> featureOperations,
      List<ServerInterceptor> featureInterceptors) {
    RestfulServer server = new RestfulServer(systemDao.getContext());
    systemDao.getContext().setNarrativeGenerator(new NullNarrativeGenerator());
    // AuditEvent is served from the audit store (org.consentry.server.audit), never from JPA
    server.registerProviders(
        resourceProviders.createProviders().stream()
            .filter(p -> !(p instanceof IResourceProvider r) || !"AuditEvent".equals(typeOf(r)))
            .toList());
    server.registerProvider(systemProvider);
    server.registerProvider(exportProvider);
    server.registerProvider(valueSetOperations);
    featureOperations.forEach(server::registerProvider);

    JpaCapabilityStatementProvider capabilities =
        new JpaCapabilityStatementProvider(
            server, systemDao, storageSettings, searchParamRegistry, validationSupport);
    capabilities.setImplementationDescription("Consentry FHIR R4 server");
    server.setServerConformanceProvider(capabilities);

    pagingProvider.setDefaultPageSize(properties.defaultPageSize());
    pagingProvider.setMaximumPageSize(properties.maxPageSize());
    server.setPagingProvider(pagingProvider);
    server.setDefaultResponseEncoding(EncodingEnum.JSON);
    server.setServerAddressStrategy(
        properties.publicUrl() == null || properties.publicUrl().isBlank()
            ? new IncomingRequestAddressStrategy()
            : new HardcodedServerAddressStrategy(properties.publicUrl()));

    featureInterceptors.forEach(server::registerInterceptor);
    server.registerInterceptor(new ResponseHighlighterInterceptor());
    server.registerInterceptor(new OpenApiInterceptor());
    return server;
  }

  private static String typeOf(IResourceProvider provider) {
    return provider.getResourceType() == null ? "" : provider.getResourceType().getSimpleName();
  }

  /** A write by id without If-Match that lost a race with another write runs again. */
  @Bean
  @Order(Pipeline.ANSWERS)
  ConcurrentWriteRetry concurrentWriteRetry() {
    return new ConcurrentWriteRetry();
  }

  /** Whose record a resource belongs to; shared by scopes, consent and encryption. */
  @Bean
  PatientCompartment patientCompartment(ca.uhn.fhir.context.FhirContext fhir) {
    return new PatientCompartment(fhir);
  }

  @Bean
  ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
    ClientErrorsAreNotErrors.install(); // before the first request: refusals log at WARN
    ServletRegistrationBean<RestfulServer> registration =
        new ServletRegistrationBean<>(server, FHIR_PATH + "/*");
    registration.setName("fhir");
    registration.setLoadOnStartup(1);
    return registration;
  }

  @Bean
  FilterRegistrationBean<RequestGuardFilter> requestGuardFilter(
      FhirProperties properties, RestfulServer server) {
    FilterRegistrationBean<RequestGuardFilter> registration =
        new FilterRegistrationBean<>(
            new RequestGuardFilter(server.getFhirContext(), properties.maxRequestSize().toBytes()));
    registration.addUrlPatterns(FHIR_PATH + "/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }
}
