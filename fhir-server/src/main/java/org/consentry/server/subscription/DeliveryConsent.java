package org.consentry.server.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.messaging.BaseResourceMessage.OperationTypeEnum;
import ca.uhn.fhir.util.JsonUtil;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.consentry.consent.Requester;
import org.consentry.server.cluster.NodeSync;
import org.consentry.server.consent.ReadDecision;
import org.consentry.server.crypto.Plaintext;
import org.consentry.server.security.Requesters;
import org.consentry.server.security.Subscribers;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each notification, decided for its subscriber at delivery time ({@code
 * SUBSCRIPTION_BEFORE_DELIVERY}, on HAPI's delivery thread, after matching): the subscriber
 * recorded on the Subscription ({@link Subscribers}) is asked through the one decision step ({@link
 * ReadDecision}) with this node's consent caches brought up to what every node has committed
 * ({@link NodeSync}), exactly as a read by that requester would be. If the resource is hidden from
 * the subscriber, nothing is sent at all: not the resource, not its id, not that something
 * happened. If it is shown, the payload is decrypted (this delivery's own copy; the stored form
 * stays encrypted) and sent with an {@code X-Consentry-Event} header, a stable id of this event for
 * this Subscription.
 *
 * <p>Only creations and updates are delivered, never deletions (HAPI sends those only when a
 * channel extension asks for them, which {@link SubscriptionRules} refuses). A failed delivery is
 * retried by HAPI's delivery channel (exponential back-off for a minute); each retry is decided
 * anew, so a revocation in between stops it. An event delivered once to a Subscription is not
 * delivered again ({@link DeliveredEvents}).
 */
@Interceptor
final class DeliveryConsent {

  /** The header that carries the event's id, for the receiver's own idempotency. */
  static final String EVENT_HEADER = "X-Consentry-Event";

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryConsent.class);

  private final FhirContext fhir;
  private final ReadDecision decision;
  private final NodeSync nodeSync;
  private final Plaintext plaintext;
  private final DaoRegistry daos;
  private final DeliveredEvents delivered;

  DeliveryConsent(
      FhirContext fhir,
      ReadDecision decision,
      NodeSync nodeSync,
      Plaintext plaintext,
      DaoRegistry daos,
      DeliveredEvents delivered) {
    this.fhir = fhir;
    this.decision = decision;
    this.nodeSync = nodeSync;
    this.plaintext = plaintext;
    this.daos = daos;
    this.delivered = delivered;
  }

  @Hook(Pointcut.SUBSCRIPTION_BEFORE_DELIVERY)
  public boolean beforeDelivery(
      ResourceDeliveryMessage message, CanonicalSubscription subscription) {
    String key = eventKey(message, subscription);
    if (key == null || !delivered.claim(key)) {
      return false; // no event to name, or this one was delivered (or is being delivered) already
    }
    boolean send = false;
    try {
      send = decide(message, subscription, key);
      return send;
    } finally {
      if (!send) {
        delivered.release(key);
      }
    }
  }

  private boolean decide(
      ResourceDeliveryMessage message, CanonicalSubscription subscription, String key) {
    if (message.getOperationType() != OperationTypeEnum.CREATE
        && message.getOperationType() != OperationTypeEnum.UPDATE) {
      return false;
    }
    Requester subscriber =
        Subscribers.parse(subscription.getChannelExtension(Subscribers.URL)).orElse(null);
    if (subscriber == null) {
      return false; // no subscriber recorded: fail closed
    }
    IBaseResource payload = message.getPayload(fhir);
    boolean loaded = payload == null;
    if (loaded) {
      payload = load(message);
    }
    if (!(payload instanceof Resource resource)) {
      return false;
    }
    SystemRequestDetails request = new SystemRequestDetails();
    Requesters.setOnInternalRequest(request, subscriber);
    nodeSync.beforeRequest(request); // the consent generation every node has committed
    if (!decision.maySee(request, subscriber, resource)) {
      LOG.debug("a notification was withheld by the subscriber's consent decision");
      return false;
    }
    // the message is this Subscription's own, and HAPI delivers the payload it has parsed
    plaintext.reveal(resource);
    if (loaded) {
      message.setPayload(fhir, resource, EncodingEnum.JSON);
    }
    message.setSubscription(withEventHeader(subscription, key));
    return true;
  }

  @Hook(Pointcut.SUBSCRIPTION_AFTER_DELIVERY)
  public void afterDelivery(ResourceDeliveryMessage message, CanonicalSubscription subscription) {
    String key = eventKey(message, subscription);
    if (key != null) {
      delivered.done(key);
    }
  }

  /** A failed attempt: released, so that HAPI's retry decides and delivers it anew. */
  @Hook(Pointcut.SUBSCRIPTION_AFTER_DELIVERY_FAILED)
  public boolean afterFailure(ResourceDeliveryMessage message, Exception failure) {
    String key = eventKey(message, message.getSubscription());
    if (key != null) {
      delivered.release(key);
    }
    return true; // HAPI rethrows, and its channel retries
  }

  /** The resource of an event that came without it, as stored (encrypted fields encrypted). */
  private IBaseResource load(ResourceDeliveryMessage message) {
    IIdType id = message.getPayloadId(fhir);
    if (id == null || !id.hasResourceType()) {
      return null;
    }
    return daos.getResourceDao(id.getResourceType()).read(id, new SystemRequestDetails());
  }

  /**
   * One event for one Subscription: the Subscription, the resource's id and version, and the
   * operation. Null if the message names no resource.
   */
  private String eventKey(ResourceDeliveryMessage message, CanonicalSubscription subscription) {
    IIdType id = message.getPayloadId(fhir);
    if (subscription == null || subscription.getIdPart() == null || id == null) {
      return null;
    }
    String version = id.getVersionIdPart();
    if (version == null) {
      IBaseResource payload = message.getPayload(fhir);
      version = payload == null ? null : payload.getMeta().getVersionId();
    }
    return subscription.getIdPart()
        + "|"
        + id.toUnqualifiedVersionless().getValue()
        + "/_history/"
        + version
        + "|"
        + message.getOperationType();
  }

  /** A copy of the Subscription for this delivery, with the event's id as a header. */
  private static CanonicalSubscription withEventHeader(
      CanonicalSubscription subscription, String key) {
    CanonicalSubscription copy =
        JsonUtil.deserialize(JsonUtil.serialize(subscription), CanonicalSubscription.class);
    copy.addHeader(
        EVENT_HEADER + ": " + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)));
    return copy;
  }
}
