package org.consentry.server.cluster;

import java.util.List;
import javax.sql.DataSource;
import org.consentry.server.fhir.Pipeline;
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

  @Bean
  @Order(Pipeline.SYNC)
  NodeSync nodeSync(Generations generations, ObjectProvider<NodeSync.Follower> followers) {
    List<NodeSync.Follower> all = followers.orderedStream().toList();
    return new NodeSync(generations, all, 1000);
  }
}
