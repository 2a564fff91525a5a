package org.consentry.server.subscription;

import ca.uhn.fhir.context.FhirContext;
import org.consentry.server.door.ApiSurface;
import org.consentry.server.security.AccessTokens;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * The Subscription websocket, on its one allow-listed path ({@link ApiSurface#SUBSCRIPTION_SOCKET})
 * and nowhere else. Any origin may connect: a connection is authenticated by a bearer token (never
 * a cookie), so a page of another origin has nothing to ride on.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class SocketConfig implements WebSocketConfigurer {

  private final AccessTokens tokens;
  private final FhirContext fhir;
  private final SubscriptionSockets sockets;

  SocketConfig(AccessTokens tokens, FhirContext fhir, SubscriptionSockets sockets) {
    this.tokens = tokens;
    this.fhir = fhir;
    this.sockets = sockets;
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry handlers) {
    handlers
        .addHandler(sockets, ApiSurface.SUBSCRIPTION_SOCKET)
        .addInterceptors(new SocketHandshake(tokens, fhir))
        .setAllowedOrigins("*");
  }
}
