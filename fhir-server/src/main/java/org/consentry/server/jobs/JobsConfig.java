package org.consentry.server.jobs;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.api.IJobPersistence;
import ca.uhn.fhir.batch2.channel.BatchJobSender;
import ca.uhn.fhir.batch2.maintenance.JobMaintenanceServiceImpl;
import ca.uhn.fhir.batch2.model.JobWorkNotification;
import ca.uhn.fhir.broker.api.IChannelProducer;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.svc.IBatch2DaoSvc;
import ca.uhn.fhir.jpa.api.svc.IIdHelperService;
import ca.uhn.fhir.jpa.dao.SearchBuilderFactory;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import java.time.Clock;
import javax.sql.DataSource;
import org.consentry.server.cluster.NodeSync;
import org.consentry.server.fhir.FhirProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;

/**
 * Durable jobs: the job store's helpers, and the leases that hand a dead node's work chunks back to
 * Batch2 (HAPI's own work-chunk notification sender is replaced by one that leases first).
 */
@Configuration(proxyBeanMethods = false)
class JobsConfig {

  /** HAPI's bean name for the producer of Batch2's work channel (BaseBatch2Config). */
  private static final String WORK_CHANNEL_PRODUCER = "batch2ProcessingChannelProducer";

  @Bean
  DurableJobs durableJobs(
      IJobCoordinator coordinator,
      DataSource dataSource,
      JobsProperties properties,
      ObjectProvider<NodeSync> nodeSync) {
    DurableJobs jobs =
        new DurableJobs(coordinator, dataSource, properties, () -> nodeSync.getObject().sync());
    jobs.createTables();
    return jobs;
  }

  @Bean
  @SuppressWarnings("unchecked")
  ResourceChunks resourceChunks(
      IBatch2DaoSvc ids,
      DaoRegistry daos,
      IIdHelperService<?> idHelper,
      DurableJobs jobs,
      SearchBuilderFactory<?> searchBuilders,
      IHapiTransactionService transactions) {
    return new ResourceChunks(
        ids,
        daos,
        (IIdHelperService<JpaPid>) idHelper,
        jobs,
        (SearchBuilderFactory<JpaPid>) searchBuilders,
        transactions);
  }

  @Bean(destroyMethod = "stop")
  ChunkLeases chunkLeases(DataSource dataSource, JobsProperties properties, DurableJobs jobs) {
    ChunkLeases leases = new ChunkLeases(dataSource, properties, Clock.systemUTC());
    leases.createTables();
    return leases;
  }

  @Bean(destroyMethod = "stop")
  MaintenancePace maintenancePace(
      DataSource dataSource, IJobMaintenanceService maintenance, FhirProperties properties) {
    return new MaintenancePace(dataSource, maintenance, properties.jobMaintenanceInterval());
  }

  /**
   * Starts renewing and reaping, and the maintenance pace, once Batch2's tables exist (after the
   * context is up).
   */
  @EventListener(ContextRefreshedEvent.class)
  void startLeases(ContextRefreshedEvent event) {
    event.getApplicationContext().getBean(ChunkLeases.class).start();
    event.getApplicationContext().getBean(MaintenancePace.class).start();
  }

  /**
   * HAPI's own maintenance schedule at its default ({@link MaintenancePace#IDLE}), set before HAPI
   * schedules it; {@link MaintenancePace} runs the pass more often while a job needs it.
   */
  @Bean
  static BeanPostProcessor idleJobMaintenance() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof JobMaintenanceServiceImpl maintenance) {
          maintenance.setScheduledJobFrequencyMillis(MaintenancePace.IDLE.toMillis());
        }
        return bean;
      }
    };
  }

  /**
   * Batch2's job store, wrapped so that a {@link MaintenancePace} pass lists only the instances it
   * is due for ({@link DueInstances}); HAPI's bean is declared as the interface, so every user gets
   * the wrapper.
   */
  @Bean
  static BeanPostProcessor dueInstances() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        return bean instanceof IJobPersistence store ? DueInstances.wrap(store) : bean;
      }
    };
  }

  /**
   * Replaces HAPI's {@link BatchJobSender} with one that leases each chunk to this node before
   * sending it. A post-processor is static, so it looks the leases up only when a chunk is sent.
   */
  @Bean
  static BeanPostProcessor leasingJobSender(
      ConfigurableListableBeanFactory beanFactory, ObjectProvider<ChunkLeases> leases) {
    return new BeanPostProcessor() {
      @Override
      @SuppressWarnings("unchecked")
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof BatchJobSender && !(bean instanceof LeasingJobSender)) {
          IChannelProducer<JobWorkNotification> producer =
              (IChannelProducer<JobWorkNotification>)
                  beanFactory.getBean(WORK_CHANNEL_PRODUCER, IChannelProducer.class);
          return new LeasingJobSender(producer, leases::getObject);
        }
        return bean;
      }
    };
  }
}
