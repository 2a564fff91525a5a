package org.consentry.bench.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Makes a finding's reproducer small: re-sends the request with one part taken away at a time (the
 * body, a header, a query parameter, a JSON element, a chunk of bytes) or a long value cut short,
 * and keeps each change after which the answer still has the same signature. Greedy, bounded by
 * {@code budget} re-sends and a deadline. First re-sends the request unchanged: a finding that does
 * not come back is reported as not reproduced, unshrunk.
 */
final class Shrinker {

  /** The smallest request found, the re-sends it took, and whether the finding came back at all. */
  record Result(FuzzRequest minimal, int attempts, boolean reproduced) {}

  private final Sender sender;
  private final Oracle oracle;
  private final Tally tally;
  private final int budget;

  Shrinker(Sender sender, Oracle oracle, Tally tally, int budget) {
    this.sender = sender;
    this.oracle = oracle;
    this.tally = tally;
    this.budget = budget;
  }

  Result shrink(FuzzRequest original, Requester requester, String signature, long deadlineNanos) {
    Attempts attempts = new Attempts(requester, signature, deadlineNanos);
    if (!attempts.same(original)) {
      return new Result(original, attempts.used, false);
    }
    FuzzRequest current = original;
    if (current.body() != null) {
      current = attempts.keepIfSame(current, current.withBody(null));
    }
    for (int i = current.headers().size() - 1; i >= 0 && attempts.left(); i--) {
      List<FuzzRequest.Header> fewer = new ArrayList<>(current.headers());
      fewer.remove(i);
      current = attempts.keepIfSame(current, current.withHeaders(fewer));
    }
    current = shrinkQuery(current, attempts);
    if (current.body() != null) {
      current = shrinkBody(current, attempts);
    }
    return new Result(current, attempts.used, true);
  }

  private FuzzRequest shrinkQuery(FuzzRequest request, Attempts attempts) {
    FuzzRequest current = request;
    int q = current.target().indexOf('?');
    if (q < 0) {
      return current;
    }
    String path = current.target().substring(0, q);
    List<String> params =
        new ArrayList<>(Arrays.asList(current.target().substring(q + 1).split("&", -1)));
    for (int i = params.size() - 1; i >= 0 && attempts.left(); i--) {
      List<String> fewer = new ArrayList<>(params);
      fewer.remove(i);
      FuzzRequest candidate =
          current.withTarget(path + (fewer.isEmpty() ? "" : "?" + String.join("&", fewer)));
      if (attempts.same(candidate)) {
        current = candidate;
        params = fewer;
      }
    }
    for (int i = 0; i < params.size() && attempts.left(); i++) {
      // halve a long value (keeping its name) while one half still shows the finding
      int equals = params.get(i).indexOf('=');
      String name = equals < 0 ? "" : params.get(i).substring(0, equals + 1);
      String value = params.get(i).substring(name.length());
      while (value.length() > 16 && attempts.left()) {
        String shorter = null;
        for (String half :
            List.of(value.substring(0, value.length() / 2), value.substring(value.length() / 2))) {
          List<String> candidateParams = new ArrayList<>(params);
          candidateParams.set(i, name + half);
          FuzzRequest candidate =
              current.withTarget(path + "?" + String.join("&", candidateParams));
          if (shorter == null && attempts.left() && attempts.same(candidate)) {
            current = candidate;
            params = candidateParams;
            shorter = half;
          }
        }
        if (shorter == null) {
          break;
        }
        value = shorter;
      }
    }
    return current;
  }

  private FuzzRequest shrinkBody(FuzzRequest request, Attempts attempts) {
    JsonNode root;
    try {
      root = JsonMutator.JSON.readTree(request.body());
    } catch (IOException | RuntimeException e) {
      root = null;
    }
    if (root == null || !root.isContainerNode()) {
      return shrinkBytes(request, attempts);
    }
    FuzzRequest current = request;
    Deque<ContainerNode<?>> queue = new ArrayDeque<>();
    queue.add((ContainerNode<?>) root);
    while (!queue.isEmpty() && attempts.left()) {
      ContainerNode<?> node = queue.poll();
      List<Object> keys = new ArrayList<>();
      if (node instanceof ObjectNode object) {
        object.fieldNames().forEachRemaining(keys::add);
        keys.remove("resourceType");
      } else {
        for (int i = node.size() - 1; i >= 0; i--) {
          keys.add(i);
        }
      }
      for (Object key : keys) {
        if (!attempts.left()) {
          break;
        }
        JsonNode removed =
            key instanceof String name
                ? ((ObjectNode) node).remove(name)
                : ((ArrayNode) node).remove((Integer) key);
        FuzzRequest candidate = current.withBody(JsonMutator.bytes(root));
        if (attempts.same(candidate)) {
          current = candidate;
        } else {
          putBack(node, key, removed);
          if (removed.isContainerNode()) {
            queue.add((ContainerNode<?>) removed);
          } else if (removed.isTextual() && removed.asText().length() > 64) {
            current = shortenText(node, key, removed.asText(), root, current, attempts);
          }
        }
      }
    }
    return current;
  }

  private static void putBack(ContainerNode<?> node, Object key, JsonNode value) {
    if (key instanceof String name) {
      ((ObjectNode) node).set(name, value);
    } else {
      ((ArrayNode) node).insert((Integer) key, value);
    }
  }

  private FuzzRequest shortenText(
      ContainerNode<?> node,
      Object key,
      String text,
      JsonNode root,
      FuzzRequest current,
      Attempts attempts) {
    putBack(node, key, JsonMutator.JSON.getNodeFactory().textNode(text.substring(0, 32)));
    if (node instanceof ArrayNode array) {
      array.remove((Integer) key + 1);
    }
    FuzzRequest candidate = current.withBody(JsonMutator.bytes(root));
    if (attempts.same(candidate)) {
      return candidate;
    }
    putBack(node, key, JsonMutator.JSON.getNodeFactory().textNode(text));
    if (node instanceof ArrayNode array) {
      array.remove((Integer) key + 1);
    }
    return current;
  }

  /** Delta debugging, lightly: removes chunks of halving size while the finding stays. */
  private FuzzRequest shrinkBytes(FuzzRequest request, Attempts attempts) {
    FuzzRequest current = request;
    for (int chunk = current.body().length / 2; chunk >= 8 && attempts.left(); chunk /= 2) {
      for (int from = 0; from + chunk <= current.body().length && attempts.left(); ) {
        byte[] body = current.body();
        byte[] fewer = new byte[body.length - chunk];
        System.arraycopy(body, 0, fewer, 0, from);
        System.arraycopy(body, from + chunk, fewer, from, body.length - from - chunk);
        FuzzRequest candidate = current.withBody(fewer);
        if (attempts.same(candidate)) {
          current = candidate;
        } else {
          from += chunk;
        }
      }
    }
    return current;
  }

  /** Re-sends, counted against the budget and the deadline. */
  private final class Attempts {
    private final Requester requester;
    private final String signature;
    private final long deadlineNanos;
    int used;

    Attempts(Requester requester, String signature, long deadlineNanos) {
      this.requester = requester;
      this.signature = signature;
      this.deadlineNanos = deadlineNanos;
    }

    boolean left() {
      return used < budget && System.nanoTime() < deadlineNanos;
    }

    boolean same(FuzzRequest candidate) {
      used++;
      tally.replay();
      Response response = sender.send(candidate, requester.token());
      Oracle.Verdict verdict = oracle.judge(candidate, response);
      return verdict != null && verdict.signature().equals(signature);
    }

    FuzzRequest keepIfSame(FuzzRequest current, FuzzRequest candidate) {
      return left() && same(candidate) ? candidate : current;
    }
  }
}
