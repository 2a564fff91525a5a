package org.consentry.server.research;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.jobs.export.BulkExportJobService;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.partition.IRequestPartitionHelperSvc;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import java.time.Clock;
import org.consentry.crypto.DataKeyStore;
import org.consentry.crypto.HmacSha256BlindIndex;
import org.consentry.crypto.MasterKeystore;
import org.consentry.server.audit.AuditTrail;
import org.consentry.server.consent.ReadDecision;
import org.consentry.server.crypto.Plaintext;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.fhir.Pipeline;
import org.consentry.server.fhir.ServerReader;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Research exports: a study's researchers receive its de-identified, consent-filtered Bulk Data
 * export with re-identification risk and representativeness reports ({@link ResearchExports}).
 */
@Configuration(proxyBeanMethods = false)
class ResearchConfig {

  @Bean
  StudyKeys studyKeys(MasterKeystore masterKeys) {
    return new StudyKeys(HmacSha256BlindIndex.from(masterKeys));
  }

  @Bean
  ResearchTypes researchTypes(
      FhirContext fhir, DaoRegistry daos, IFhirSystemDao<Bundle, ?> system) {
    return new ResearchTypes(fhir, daos, system);
  }

  @Bean
  StudyAccess studyAccess(DaoRegistry daos) {
    return new StudyAccess(daos);
  }

  @Bean
  ResearchExports researchExports(
      DaoRegistry daos,
      ReadDecision decision,
      Plaintext plaintext,
      DataKeyStore keys,
      StudyKeys studyKeys,
      ResearchTypes types,
      IFhirSystemDao<Bundle, ?> system,
      FhirContext fhir,
      PatientCompartment compartment,
      MatchUrlService matchUrls,
      IInterceptorService storage,
      AuditTrail trail,
      ServerReader reader) {
    storage.registerInterceptor(
        new DeidentifyingHook(
            fhir, daos, decision, compartment, plaintext, studyKeys, types, Clock.systemUTC()));
    return new ResearchExports(
        reader,
        new Cohort(daos, fhir, matchUrls, compartment, types),
        decision,
        plaintext,
        keys,
        studyKeys,
        types,
        new Disclosures(trail),
        Clock.systemUTC());
  }

  @Bean
  @Order(Pipeline.RESEARCH)
  ResearchKickOff researchKickOff(StudyAccess access, ResearchExports exports) {
    return new ResearchKickOff(access, exports);
  }

  @Bean
  ResearchExportOperation researchExportOperation(
      StudyAccess access,
      IInterceptorService interceptors,
      IJobCoordinator jobs,
      DaoRegistry daos,
      IRequestPartitionHelperSvc partitions,
      JpaStorageSettings settings) {
    return new ResearchExportOperation(
        access, new BulkExportJobService(interceptors, jobs, daos, partitions, settings));
  }

  @Bean
  FilterRegistrationBean<ResearchManifestFilter> researchManifestFilter(IJobCoordinator jobs) {
    FilterRegistrationBean<ResearchManifestFilter> registration =
        new FilterRegistrationBean<>(new ResearchManifestFilter(jobs));
    registration.addUrlPatterns("/fhir/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
    return registration;
  }
}
