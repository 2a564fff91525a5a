package org.consentry.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

class FrozenBeforeWebServerIT extends ServerIT {

  @Autowired private ApplicationContext context;

  @Test
  void serverContext_isTheOneFrozenBeforeTheWebServer() {
    // listed in META-INF/spring.factories: the server and the tests' contexts are both this kind
    assertThat(context).isInstanceOf(FrozenBeforeWebServer.Context.class);
  }
}
