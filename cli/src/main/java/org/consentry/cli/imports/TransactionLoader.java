package org.consentry.cli.imports;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sends NDJSON resources as one transaction Bundle of {@code PUT Type/id} entries, so a re-run
 * updates rather than duplicates. A transaction is all or nothing, so when the server rejects one
 * the batch is split in halves and each half sent again, down to single resources: the good ones
 * load and each bad one is named with the server's own reason. One bad resource in a batch of
 * {@code n} costs about {@code 2 log2 n} extra requests.
 */
final class TransactionLoader {

  /** A resource the server rejected when sent alone. */
  record Rejection(ResourceLine resource, String reason) {}

  private final FhirSender sender;

  TransactionLoader(FhirSender sender) {
    this.sender = sender;
  }

  /**
   * Loads {@code batch}, telling {@code loaded} about each group that the server accepted.
   *
   * @return what the server rejected, one resource each, in input order
   * @throws ImportException when the server refuses our credentials
   */
  List<Rejection> load(List<ResourceLine> batch, Consumer<List<ResourceLine>> loaded) {
    List<Rejection> rejections = new ArrayList<>();
    load(batch, loaded, rejections);
    return rejections;
  }

  private void load(
      List<ResourceLine> batch, Consumer<List<ResourceLine>> loaded, List<Rejection> rejections) {
    FhirResponse response = sender.postBundle(bundleOf(batch));
    if (response.isSuccess()) {
      loaded.accept(batch);
      return;
    }
    refuseIfUnauthorized(sender, response);
    if (batch.size() == 1) {
      ResourceLine only = batch.get(0);
      rejections.add(
          new Rejection(
              only,
              only.reference() + " rejected by the server (" + Outcomes.describe(response) + ")"));
      return;
    }
    int half = batch.size() / 2;
    load(batch.subList(0, half), loaded, rejections);
    load(batch.subList(half, batch.size()), loaded, rejections);
  }

  static void refuseIfUnauthorized(FhirSender sender, FhirResponse response) {
    if (response.status() == 401 || response.status() == 403) {
      throw new ImportException(
          "the server at "
              + sender.baseUrl()
              + " refused the request ("
              + Outcomes.describe(response)
              + "); pass a valid token with --token or CONSENTRY_TOKEN");
    }
  }

  /** The transaction Bundle: each line's JSON goes in unchanged, as the entry's resource. */
  static String bundleOf(List<ResourceLine> batch) {
    long size = 64;
    for (ResourceLine line : batch) {
      size += line.json().length() + Batcher.ENTRY_OVERHEAD;
    }
    StringBuilder json = new StringBuilder((int) Math.min(size, Integer.MAX_VALUE - 8));
    json.append("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
    for (int i = 0; i < batch.size(); i++) {
      ResourceLine line = batch.get(i);
      if (i > 0) {
        json.append(',');
      }
      // type and id were checked against FHIR's syntax, so they need no JSON escaping
      json.append("{\"resource\":")
          .append(line.json())
          .append(",\"request\":{\"method\":\"PUT\",\"url\":\"")
          .append(line.reference())
          .append("\"}}");
    }
    return json.append("]}").toString();
  }
}
