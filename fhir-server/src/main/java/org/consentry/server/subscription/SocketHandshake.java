package org.consentry.server.subscription;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.consentry.server.door.ApiSurface;
import org.consentry.server.fhir.OutcomeResponses;
import org.consentry.server.security.AccessTokens;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * The door of the Subscription websocket, before the upgrade: a request with an {@code
 * Authorization} header is upgraded only if its token is valid (401 otherwise, as on {@code /fhir})
 * and its requester may subscribe (403 otherwise); its holder is kept on the connection. A request
 * without the header is upgraded, and then must bind with a token ({@code bind <id> <token>}, for
 * browsers) within {@link SubscriptionSockets#BIND_WITHIN}, or is closed.
 */
final class SocketHandshake implements HandshakeInterceptor {

  private final AccessTokens tokens;
  private final FhirContext fhir;

  SocketHandshake(AccessTokens tokens, FhirContext fhir) {
    this.tokens = tokens;
    this.fhir = fhir;
  }

  @Override
  public boolean beforeHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler handler,
      Map<String, Object> attributes)
      throws IOException {
    String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    if (authorization == null) {
      return true;
    }
    AccessTokens.Holder holder;
    try {
      holder = tokens.verify(authorization, request.getHeaders().getFirst("X-Purpose-Of-Use"));
    } catch (AccessTokens.Refused e) {
      if (e.status() == 401) {
        response
            .getHeaders()
            .set(
                HttpHeaders.WWW_AUTHENTICATE,
                "Bearer realm=\"consentry\", error=\"invalid_token\"");
      }
      refuse(response, e.status(), e.status() == 401 ? IssueType.LOGIN : IssueType.FORBIDDEN, e);
      return false;
    }
    if (!ApiSurface.admitsSubscriptionSocket(holder.requester().kind())) {
      refuse(response, 403, IssueType.FORBIDDEN, "Subscriptions are not offered to this requester");
      return false;
    }
    attributes.put(SubscriptionSockets.HOLDER, holder);
    return true;
  }

  private void refuse(ServerHttpResponse response, int status, IssueType type, Exception e)
      throws IOException {
    refuse(response, status, type, e.getMessage());
  }

  private void refuse(ServerHttpResponse response, int status, IssueType type, String message)
      throws IOException {
    if (response instanceof ServletServerHttpResponse servlet) {
      HttpServletResponse raw = servlet.getServletResponse();
      response.getHeaders().forEach((name, values) -> values.forEach(v -> raw.setHeader(name, v)));
      OutcomeResponses.write(raw, fhir, status, type, message);
    } else {
      response.setStatusCode(org.springframework.http.HttpStatusCode.valueOf(status));
    }
  }

  @Override
  public void afterHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler handler,
      Exception exception) {}
}
