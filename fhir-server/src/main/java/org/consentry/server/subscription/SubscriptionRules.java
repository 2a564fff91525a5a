package org.consentry.server.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.consentry.consent.Requester;
import org.consentry.server.door.ApiSurface;
import org.consentry.server.fhir.DirectoryTypes;
import org.consentry.server.security.Requesters;
import org.consentry.server.security.Subscribers;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionChannelComponent;

/**
 * What a client may subscribe to, checked as a Subscription is stored (created, updated or patched
 * through the API); anything else gets 422 with an OperationOutcome that says why:
 *
 * <ul>
 *   <li>criteria {@code Type?parameters} of a resource type the subscriber may search (never the
 *       audit trail or Subscriptions), without chains, {@code _has}, {@code _include} or other
 *       parameters that reach into other resources (the match would look at data the notification's
 *       decision never sees); HAPI then refuses criteria it cannot match in memory;
 *   <li>channel type rest-hook, to an http(s) endpoint that starts with one of the configured
 *       prefixes ({@link SubscriptionProperties#endpointPrefixes()}), without user information; or
 *       websocket, without an endpoint (the subscriber connects to {@link
 *       ApiSurface#SUBSCRIPTION_SOCKET} and binds it: {@link SubscriptionSockets});
 *   <li>payload absent (a notification without content) or a FHIR JSON or XML mime type;
 *   <li>no channel extension (HAPI's extensions would deliver other resources than the one decided,
 *       or deletions).
 * </ul>
 *
 * Then the requester is recorded as the subscriber ({@link Subscribers#record}), replacing anything
 * a client sent under that extension. Writes the server makes itself (HAPI activating a
 * Subscription) keep the subscriber recorded.
 */
@Interceptor
final class SubscriptionRules {

  private static final Pattern CRITERIA = Pattern.compile("([A-Z][A-Za-z]+)(\\?(.*))?");
  private static final Set<String> REACHING =
      Set.of(
          "_include",
          "_revinclude",
          "_filter",
          "_text",
          "_content",
          "_query",
          "_list",
          "_contained",
          "_containedType",
          "_type");

  private final FhirContext fhir;
  private final SubscriptionProperties properties;

  SubscriptionRules(FhirContext fhir, SubscriptionProperties properties) {
    this.fhir = fhir;
    this.properties = properties;
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void created(IBaseResource resource, RequestDetails request) {
    check(resource, request);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    check(resource, request);
  }

  private void check(IBaseResource resource, RequestDetails request) {
    if (!(resource instanceof Subscription subscription)) {
      return;
    }
    Requester requester = request == null ? null : Requesters.of(request).orElse(null);
    if (requester == null) {
      return; // the server's own write (activation): the subscriber stays as recorded
    }
    checkCriteria(subscription.getCriteria(), requester);
    SubscriptionChannelComponent channel = subscription.getChannel();
    if (channel.getType() == Subscription.SubscriptionChannelType.RESTHOOK) {
      checkEndpoint(channel.getEndpoint());
    } else if (channel.getType() == Subscription.SubscriptionChannelType.WEBSOCKET) {
      if (channel.hasEndpoint()) {
        throw refused(
            "Subscription.channel.endpoint is not used by a websocket Subscription: leave it out;"
                + " the subscriber connects to the server's "
                + ApiSurface.SUBSCRIPTION_SOCKET
                + " and binds the Subscription");
      }
    } else {
      throw refused(
          "Subscription.channel.type '"
              + (channel.hasType() ? channel.getType().toCode() : "")
              + "' is not offered: this server delivers rest-hook and websocket notifications");
    }
    if (channel.hasPayload() && !isFhirMimeType(channel.getPayload())) {
      throw refused(
          "Subscription.channel.payload '"
              + channel.getPayload()
              + "' is not offered: leave it out (notifications without content) or use"
              + " application/fhir+json or application/fhir+xml");
    }
    for (Extension extension : channel.getExtension()) {
      if (!Subscribers.URL.equals(extension.getUrl())) {
        throw refused(
            "Subscription.channel extension '" + extension.getUrl() + "' is not supported");
      }
    }
    if (subscription.hasExtension()) {
      throw refused(
          "Subscription extension '"
              + subscription.getExtension().get(0).getUrl()
              + "' is not supported");
    }
    Subscribers.record(subscription, requester);
  }

  private void checkCriteria(String criteria, Requester requester) {
    Matcher matcher = CRITERIA.matcher(criteria == null ? "" : criteria.trim());
    if (!matcher.matches() || !fhir.getResourceTypes().contains(matcher.group(1))) {
      throw refused(
          "Subscription.criteria '"
              + (criteria == null ? "" : criteria)
              + "' is not a search of a FHIR resource type such as Observation?patient=Patient/123");
    }
    String type = matcher.group(1);
    boolean searchable =
        !ApiSurface.AUDIT_TRAIL.equals(type)
            && !ApiSurface.SUBSCRIPTIONS.equals(type)
            && ApiSurface.admits(
                requester.kind(),
                RestOperationTypeEnum.SEARCH_TYPE,
                !DirectoryTypes.contains(type));
    if (!searchable) {
      throw refused(
          "Subscription.criteria: "
              + type
              + " is not offered to subscribe to: a Subscription follows what its subscriber may"
              + " search");
    }
    String query = matcher.group(3);
    if (query == null || query.isEmpty()) {
      return;
    }
    for (String pair : query.split("&")) {
      String name = pair.split("=", 2)[0];
      String bare = name.split(":", 2)[0];
      if (name.contains(".") || bare.startsWith("_has") || REACHING.contains(bare)) {
        throw refused(
            "Subscription.criteria parameter '"
                + name
                + "' is not offered: criteria may test the resource itself only (no chains,"
                + " _has or _include)");
      }
    }
  }

  private void checkEndpoint(String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      throw refused("Subscription.channel.endpoint is required for a rest-hook Subscription");
    }
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw refused("Subscription.channel.endpoint '" + endpoint + "' is not a URL");
    }
    boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equals(uri.getScheme());
    if (!web || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw refused(
          "Subscription.channel.endpoint '"
              + endpoint
              + "' is not an http(s) URL with a host (and no user information)");
    }
    if (properties.endpointPrefixes().stream().noneMatch(endpoint::startsWith)) {
      throw refused(
          "Subscription.channel.endpoint '"
              + endpoint
              + "' is not allowed on this server: endpoints must start with one of "
              + properties.endpointPrefixes());
    }
  }

  private static boolean isFhirMimeType(String payload) {
    EncodingEnum encoding = EncodingEnum.forContentType(payload);
    return encoding == EncodingEnum.JSON || encoding == EncodingEnum.XML;
  }

  private static UnprocessableEntityException refused(String message) {
    return new UnprocessableEntityException(message);
  }
}
