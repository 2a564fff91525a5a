package org.consentry.server.subscription;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Subscription settings ({@code consentry.subscriptions.*}).
 *
 * @param endpointPrefixes the URL prefixes a rest-hook endpoint must start with (for example {@code
 *     https://} for any TLS endpoint, or {@code https://ehr.example.org/hooks/}); any other
 *     endpoint is refused when the Subscription is written, so the server posts nowhere else
 * @param pollInterval how often HAPI takes the changes stored since it last looked (it keeps them
 *     in the database until matched) to match them against Subscriptions; HAPI's default is 5 s,
 *     which is also then the typical delay of a notification
 * @param deliveredMemory how many delivered events (subscription, resource version, operation) each
 *     node remembers, so that no event is delivered twice to one Subscription
 */
@ConfigurationProperties("consentry.subscriptions")
public record SubscriptionProperties(
    @DefaultValue("https://") List<String> endpointPrefixes,
    @DefaultValue("250ms") Duration pollInterval,
    @DefaultValue("100000") int deliveredMemory) {

  public SubscriptionProperties {
    endpointPrefixes = endpointPrefixes == null ? List.of() : List.copyOf(endpointPrefixes);
    for (String prefix : endpointPrefixes) {
      if (!prefix.startsWith("https://") && !prefix.startsWith("http://")) {
        throw new IllegalArgumentException(
            "consentry.subscriptions.endpoint-prefixes: '"
                + prefix
                + "' is not an http:// or https:// URL prefix");
      }
    }
    if (pollInterval.toMillis() < 10) {
      throw new IllegalArgumentException(
          "consentry.subscriptions.poll-interval must be at least 10ms");
    }
    if (deliveredMemory < 1) {
      throw new IllegalArgumentException(
          "consentry.subscriptions.delivered-memory must be at least 1");
    }
  }
}
