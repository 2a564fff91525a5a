package org.consentry.bench.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Findings, deduplicated by signature (status and normalized message): each keeps the first request
 * that showed it, who sent it, how often it was seen, by whom, on which path shapes, and its
 * minimal reproducer once shrunk. Answers that never came (timeouts, resets) are kept apart,
 * deduplicated by path shape and failure. Thread-safe.
 */
final class Findings {

  /** One distinct finding. */
  static final class Finding {
    final String signature;
    final String status;
    final String message;
    final List<String> reasons;
    final FuzzRequest first;
    final Requester requester;
    long count;
    final Set<String> requesters = new LinkedHashSet<>();
    final Set<String> shapes = new LinkedHashSet<>();
    FuzzRequest minimal;
    boolean reproduced;
    int shrinkAttempts;

    Finding(Oracle.Verdict verdict, FuzzRequest first, Requester requester) {
      this.signature = verdict.signature();
      this.status = verdict.status();
      this.message = verdict.message();
      this.reasons = verdict.reasons();
      this.first = first;
      this.requester = requester;
      this.minimal = first;
    }
  }

  /** A request the server did not answer. */
  record NoAnswer(String shape, String failure, FuzzRequest request, Requester requester) {}

  private static final int MAX_SHAPES = 8;
  private static final int MAX_NO_ANSWERS = 50;

  private final Map<String, Finding> bySignature = new LinkedHashMap<>();
  private final Map<String, NoAnswer> noAnswers = new LinkedHashMap<>();

  /**
   * Counts the verdict; returns the finding if it is new (the caller then shrinks it), else null.
   */
  synchronized Finding record(Oracle.Verdict verdict, FuzzRequest request, Requester requester) {
    Finding finding = bySignature.get(verdict.signature());
    boolean isNew = finding == null;
    if (isNew) {
      finding = new Finding(verdict, request, requester);
      bySignature.put(verdict.signature(), finding);
    }
    finding.count++;
    finding.requesters.add(requester.name());
    if (finding.shapes.size() < MAX_SHAPES) {
      finding.shapes.add(request.shape());
    }
    return isNew ? finding : null;
  }

  synchronized void shrunk(Finding finding, Shrinker.Result result) {
    finding.minimal = result.minimal();
    finding.reproduced = result.reproduced();
    finding.shrinkAttempts = result.attempts();
  }

  synchronized void noAnswer(FuzzRequest request, Requester requester, Response response) {
    String failure = response.failure().replaceAll("\\d+", "#");
    String key = request.shape() + " " + failure;
    if (noAnswers.size() < MAX_NO_ANSWERS) {
      noAnswers.putIfAbsent(
          key, new NoAnswer(request.shape(), response.failure(), request, requester));
    }
  }

  synchronized List<Finding> all() {
    return new ArrayList<>(bySignature.values());
  }

  synchronized List<NoAnswer> noAnswers() {
    return new ArrayList<>(noAnswers.values());
  }

  synchronized int size() {
    return bySignature.size();
  }
}
