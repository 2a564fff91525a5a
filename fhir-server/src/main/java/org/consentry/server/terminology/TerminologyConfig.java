package org.consentry.server.terminology;

import ca.uhn.fhir.batch2.model.JobDefinition;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.term.api.ITermDeferredStorageSvc;
import jakarta.persistence.EntityManagerFactory;
import javax.sql.DataSource;
import org.consentry.server.cluster.Generations;
import org.consentry.server.cluster.Generations.Topic;
import org.consentry.server.cluster.NodeSync;
import org.consentry.server.fhir.Pipeline;
import org.consentry.server.jobs.DurableJobs;
import org.consentry.server.jobs.ResourceChunks;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The terminology feature: bundled code systems and value sets in HAPI's terminology store, the
 * sensitivity labeler on every write (registered with HAPI's storage interceptors, so it sees
 * writes from every path), and {@code $relabel}.
 */
@Configuration(proxyBeanMethods = false)
class TerminologyConfig {

  @Bean
  CurrentLabeler currentLabeler(DaoRegistry daos) {
    return new CurrentLabeler(daos);
  }

  /** A sensitivity value set changed on another node: rebuild the labeler from the database. */
  @Bean
  NodeSync.Follower labelerFollower(CurrentLabeler labeler) {
    return new NodeSync.Follower() {
      @Override
      public Generations.Topic topic() {
        return Generations.Topic.TERMINOLOGY;
      }

      @Override
      public void changed(long seen, long now) {
        labeler.rebuild();
      }
    };
  }

  @Bean
  SensitivityLabelingInterceptor sensitivityLabelingInterceptor(
      CurrentLabeler labeler,
      TerminologyProperties properties,
      IInterceptorService interceptors,
      Generations generations,
      ObjectProvider<NodeSync> nodeSync) {
    SensitivityLabelingInterceptor interceptor =
        new SensitivityLabelingInterceptor(
            labeler,
            properties.labeling(),
            appliedHere -> {
              long generation = generations.bump(Topic.TERMINOLOGY);
              if (appliedHere) {
                nodeSync.getObject().appliedHere(Topic.TERMINOLOGY, generation);
              }
            });
    interceptors.registerInterceptor(interceptor);
    return interceptor;
  }

  /** HAPI's concept index and terminology caches, followed across nodes. */
  @Bean
  @Order(Pipeline.SYNC)
  CodeSystemIndexSync codeSystemIndexSync(
      EntityManagerFactory entityManagers,
      DataSource dataSource,
      IValidationSupport validation,
      ITermDeferredStorageSvc deferredStorage,
      Generations generations,
      ObjectProvider<NodeSync> nodeSync,
      IInterceptorService interceptors) {
    CodeSystemIndexSync sync =
        new CodeSystemIndexSync(
            entityManagers,
            new JdbcTemplate(dataSource),
            validation,
            deferredStorage,
            generations,
            nodeSync);
    interceptors.registerInterceptor(sync.writes());
    return sync;
  }

  @Bean
  RelabelOperations relabelOperations(DurableJobs jobs) {
    return new RelabelOperations(jobs);
  }

  /** Registered with Batch2 by HAPI, as every JobDefinition bean is. */
  @Bean
  JobDefinition<RelabelJob.Parameters> relabelJobDefinition(
      DurableJobs jobs, ResourceChunks chunks, DaoRegistry daos, CurrentLabeler labeler) {
    return RelabelJob.definition(jobs, chunks, daos, labeler::get);
  }

  @Bean
  BundledTerminology bundledTerminology(DaoRegistry daos) {
    return new BundledTerminology(daos);
  }

  /**
   * Once the server is wired: store the bundled terminology, then build the labeler from what is
   * stored.
   */
  @EventListener(ContextRefreshedEvent.class)
  void loadTerminology(ContextRefreshedEvent event) {
    event.getApplicationContext().getBean(BundledTerminology.class).store();
    event.getApplicationContext().getBean(CurrentLabeler.class).rebuild();
    event.getApplicationContext().getBean(CodeSystemIndexSync.class).checkAtStart();
  }
}
