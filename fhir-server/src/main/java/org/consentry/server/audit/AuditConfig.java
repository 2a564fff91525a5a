package org.consentry.server.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.consentry.audit.AuditLog;
import org.consentry.audit.AuditSettings;
import org.consentry.crypto.BlindIndex;
import org.consentry.crypto.HmacSha256BlindIndex;
import org.consentry.crypto.MasterKeystore;
import org.consentry.server.fhir.FhirProperties;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.fhir.Pipeline;
import org.consentry.server.security.SecurityProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The audit trail: every access recorded as a BALP AuditEvent ({@link AuditCapture}, {@link
 * AuditTrail}) in the tamper-evident store ({@link AuditLog}, its checkpoints signed with a key
 * derived from the master keystore), read back as {@code AuditEvent} by patients (their own) and
 * auditors, summarized by {@code $access-report}, verified by {@code $audit-verify}, pruned after
 * the retention period; and, while the store cannot be written, no data served ({@link AuditGate}).
 */
@Configuration(proxyBeanMethods = false)
class AuditConfig {

  private static final Logger log = LoggerFactory.getLogger(AuditConfig.class);
  private static final String FHIR_PATH = "/fhir";

  @Bean(destroyMethod = "close")
  AuditLog auditLog(DataSource dataSource, MasterKeystore masterKeys, AuditProperties properties) {
    if (!properties.enabled()) {
      log.warn(
          "consentry.audit.enabled=false: accesses are NOT recorded. Only for measuring what the"
              + " audit costs; never with real data.");
    }
    AuditSettings settings =
        AuditSettings.defaults()
            .withFlushInterval(properties.flushInterval())
            .withQueueCapacity(properties.queueCapacity())
            .withCheckpointEvery(properties.checkpointEvery(), properties.checkpointInterval());
    return new AuditLog(dataSource, checkpointKey(HmacSha256BlindIndex.from(masterKeys)), settings);
  }

  /**
   * The checkpoints' HMAC key: derived from the keystore's index secret under its own domain, so
   * that whoever can write the database but not read the keystore cannot sign a checkpoint.
   */
  static SecretKey checkpointKey(BlindIndex index) {
    // a blind-index token holds 128 bits; two under distinct values, hashed, make the 256-bit key
    String domain = "http://consentry.org/audit/checkpoint-key";
    String derived = index.token(domain, "v1/a") + index.token(domain, "v1/b");
    try {
      byte[] key =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(derived.getBytes(StandardCharsets.UTF_8));
      return new SecretKeySpec(key, "HmacSHA256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Bean
  AuditTrail auditTrail(
      AuditLog auditLog,
      FhirContext fhir,
      MasterKeystore masterKeys,
      FhirProperties fhirProperties,
      SecurityProperties security,
      AuditProperties properties) {
    String base =
        fhirProperties.publicUrl() == null || fhirProperties.publicUrl().isBlank()
            ? "urn:consentry:fhir-server"
            : fhirProperties.publicUrl();
    return new AuditTrail(
        auditLog,
        fhir,
        new AuditEvents(base, security.issuer().toString()),
        new QueryProtection(HmacSha256BlindIndex.from(masterKeys)),
        properties.enabled());
  }

  @Bean
  @Order(Pipeline.AUDIT)
  @ConditionalOnProperty(
      name = "consentry.audit.enabled",
      havingValue = "true",
      matchIfMissing = true)
  AuditCapture auditCapture(AuditTrail trail, PatientCompartment compartment) {
    return new AuditCapture(trail, compartment);
  }

  @Bean
  ExportDisclosureHook exportDisclosureHook(
      AuditTrail trail,
      PatientCompartment compartment,
      ca.uhn.fhir.interceptor.api.IInterceptorService storage,
      AuditProperties properties) {
    ExportDisclosureHook hook = new ExportDisclosureHook(trail, compartment);
    if (properties.enabled()) {
      storage.registerInterceptor(hook);
    }
    return hook;
  }

  @Bean
  AuditEventProvider auditEventProvider(AuditLog auditLog, FhirContext fhir) {
    return new AuditEventProvider(auditLog, fhir);
  }

  @Bean
  AccessReportOperation accessReportOperation(
      AuditLog auditLog, FhirContext fhir, DaoRegistry daos) {
    return new AccessReportOperation(auditLog, fhir, daos);
  }

  @Bean
  AuditVerifyOperation auditVerifyOperation(AuditLog auditLog) {
    return new AuditVerifyOperation(auditLog);
  }

  @Bean(destroyMethod = "stop")
  AuditRetention auditRetention(AuditLog auditLog, AuditProperties properties) {
    AuditRetention retention =
        new AuditRetention(auditLog, properties.retention(), Clock.systemUTC());
    retention.start();
    return retention;
  }

  @Bean
  FilterRegistrationBean<AuditGate> auditGate(AuditLog auditLog, FhirContext fhir) {
    FilterRegistrationBean<AuditGate> registration =
        new FilterRegistrationBean<>(new AuditGate(auditLog, fhir, FHIR_PATH));
    registration.addUrlPatterns(FHIR_PATH + "/*");
    // after the token (a 401 stays a 401), before the request guard reads a body
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 7);
    return registration;
  }
}
