package org.consentry.server.cluster;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.consentry.server.cluster.Generations.Topic;
import org.consentry.server.fhir.Pipeline;
import org.consentry.server.storage.TypeWrites;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** Several nodes on one database: the shared counters and the per-request sync. */
@Configuration(proxyBeanMethods = false)
class ClusterConfig {

  @Bean
  Generations generations(DataSource dataSource) {
    return new Generations(dataSource);
  }

  /**
   * The resource types whose writes bump a topic (after commit), for the node-local caches that
   * follow them: each node's registry of active Subscriptions, and its memory of active alert
   * Flags.
   */
  @Bean
  TypeWrites writeBumps(Generations generations, IInterceptorService storage) {
    TypeWrites bumps =
        new TypeWrites(
            Map.of(
                "Subscription", () -> generations.bump(Topic.SUBSCRIPTIONS),
                "Flag", () -> generations.bump(Topic.FLAGS)));
    storage.registerInterceptor(bumps);
    return bumps;
  }

  @Bean
  ClusterLocks clusterLocks(DataSource dataSource) {
    return new ClusterLocks(dataSource);
  }

  @Bean
  @Order(Pipeline.SYNC)
  NodeSync nodeSync(Generations generations, ObjectProvider<NodeSync.Follower> followers) {
    List<NodeSync.Follower> all = followers.orderedStream().toList();
    return new NodeSync(generations, all, 1000);
  }
}
