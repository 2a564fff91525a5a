package org.consentry.cli.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Makes a transaction or batch Bundle safe to load twice. An entry {@code POST Type} whose {@code
 * fullUrl} is {@code urn:uuid:X} and whose resource carries an id becomes {@code PUT Type/<id>}:
 * the server stores it under that id, and a second run updates it instead of creating a copy. The
 * {@code fullUrl} stays, so {@code urn:uuid:X} references elsewhere in the Bundle still resolve (to
 * {@code Type/<id>}). Conditional entries ({@code ifNoneExist}, a {@code ?} in the url) and all
 * other entries are left as they are.
 */
final class BundleRewriter {

  private BundleRewriter() {}

  /** Rewrites {@code bundle} in place; returns how many entries became PUTs. */
  static int makeIdempotent(ObjectNode bundle) {
    int rewritten = 0;
    for (JsonNode entry : bundle.path("entry")) {
      if (rewrite(entry)) {
        rewritten++;
      }
    }
    return rewritten;
  }

  private static boolean rewrite(JsonNode entry) {
    if (!(entry.get("request") instanceof ObjectNode request)) {
      return false;
    }
    JsonNode resource = entry.path("resource");
    String type = resource.path("resourceType").asText("");
    String id = resource.path("id").asText("");
    String url = request.path("url").asText("");
    boolean plainPost =
        request.path("method").asText("").equals("POST")
            && (url.equals(type) || url.endsWith("/" + type))
            && !request.hasNonNull("ifNoneExist");
    boolean fromUuid = entry.path("fullUrl").asText("").startsWith("urn:uuid:");
    if (!plainPost
        || !fromUuid
        || !ResourceJson.TYPE.matcher(type).matches()
        || !ResourceJson.ID.matcher(id).matches()) {
      return false;
    }
    request.put("method", "PUT");
    request.put("url", type + "/" + id);
    return true;
  }
}
