package org.consentry.server.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.consentry.consent.Requester;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;

/**
 * Whose a Subscription is: the requester who created (or last changed) it, recorded by the server
 * in an extension of {@code Subscription.channel} ({@value #URL}) as that requester was then (kind,
 * identity, organization, actor references, scopes, purpose; never a token). A client cannot set
 * it: whatever a client sends under that URL is replaced as the Subscription is stored. The server
 * decides every notification for this requester at delivery time, and a Subscription is visible to
 * its subscriber only (the consent decision step, and {@link ReadAccess}): its endpoint, headers
 * and criteria are theirs.
 */
public final class Subscribers {

  /** The extension of {@code Subscription.channel} that names the subscriber. */
  public static final String URL = "https://consentry.org/fhir/StructureDefinition/subscriber";

  /**
   * The system of the tag that marks a Subscription with its subscriber (a digest of the subject),
   * so that a search of Subscriptions is narrowed in the database to the requester's own.
   */
  public static final String TAG = "https://consentry.org/fhir/CodeSystem/subscriber";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Subscribers() {}

  /** Records the requester as the Subscription's subscriber, replacing whatever was there. */
  public static void record(Subscription subscription, Requester requester) {
    subscription.getChannel().getExtension().removeIf(e -> URL.equals(e.getUrl()));
    subscription.getMeta().getTag().removeIf(tag -> TAG.equals(tag.getSystem()));
    subscription.getMeta().addTag(TAG, digest(requester), null);
    try {
      String json = JSON.writeValueAsString(StoredRequester.of(requester));
      subscription.getChannel().addExtension(new Extension(URL, new StringType(json)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot record the subscriber", e);
    }
  }

  /** The {@code _tag} value that finds the requester's own Subscriptions. */
  public static String searchTag(Requester requester) {
    return TAG + "|" + digest(requester);
  }

  private static String digest(Requester requester) {
    try {
      byte[] hash =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(requester.subject().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash, 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the resource carries a subscriber (only a stored Subscription does). */
  public static boolean hasSubscriber(Subscription subscription) {
    return subscription.getChannel().hasExtension(URL);
  }

  /**
   * The subscriber recorded under {@link #URL} (the extension's value), or empty if it is missing
   * or unreadable: then nothing is delivered (fail closed).
   */
  public static Optional<Requester> parse(String recorded) {
    if (recorded == null || recorded.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(recorded, StoredRequester.class).toRequester());
    } catch (JsonProcessingException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The subscriber of a stored Subscription, or empty. */
  public static Optional<Requester> of(Subscription subscription) {
    Extension recorded = subscription.getChannel().getExtensionByUrl(URL);
    return recorded == null || recorded.getValue() == null
        ? Optional.empty()
        : parse(recorded.getValue().primitiveValue());
  }

  /**
   * Whether the requester may see the resource as far as Subscriptions go: a Subscription only by
   * the one who subscribed (same subject); anything else is not concerned.
   */
  public static boolean visibleTo(IBaseResource resource, Requester requester) {
    if (!(resource instanceof Subscription subscription)) {
      return true;
    }
    return of(subscription).map(s -> s.subject().equals(requester.subject())).orElse(false);
  }
}
