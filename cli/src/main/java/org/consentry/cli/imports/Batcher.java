package org.consentry.cli.imports;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Groups resources into batches of at most {@code maxCount} resources and {@code maxBytes} bytes of
 * resource JSON, handing each full batch to a sink. A resource larger than {@code maxBytes} forms a
 * batch of its own.
 */
final class Batcher {

  /** Bytes the transaction entry adds around each resource: request method, url, braces. */
  static final int ENTRY_OVERHEAD = 160;

  private final int maxCount;
  private final long maxBytes;
  private final Consumer<List<ResourceLine>> sink;
  private List<ResourceLine> batch = new ArrayList<>();
  private long bytes;

  Batcher(int maxCount, long maxBytes, Consumer<List<ResourceLine>> sink) {
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
    this.sink = sink;
  }

  void add(ResourceLine resource) {
    long size = resource.bytes() + ENTRY_OVERHEAD;
    if (!batch.isEmpty() && (batch.size() >= maxCount || bytes + size > maxBytes)) {
      flush();
    }
    batch.add(resource);
    bytes += size;
  }

  /** Hands over what is pending, if anything. */
  void flush() {
    if (batch.isEmpty()) {
      return;
    }
    List<ResourceLine> full = batch;
    batch = new ArrayList<>();
    bytes = 0;
    sink.accept(full);
  }
}
