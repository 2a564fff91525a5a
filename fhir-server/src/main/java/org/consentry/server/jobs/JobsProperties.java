package org.consentry.server.jobs;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Background-job settings ({@code consentry.jobs.*}).
 *
 * @param chunkSize resources per work chunk of the relabel and data-key rotation jobs
 * @param chunkPause a pause before each chunk is processed (zero in production; tests make jobs
 *     slow with it)
 * @param leaseRenewal how often a node renews the leases of the work chunks it holds and looks for
 *     chunks whose node stopped renewing
 * @param leaseExpiry after how long without renewal a chunk's node counts as dead and the chunk is
 *     handed back to Batch2 (READY) for any node to run again
 * @param finalizeExpiry how long a job may stay in its final (reduction) step without a heartbeat
 *     before it is handed back; HAPI's reducer heartbeats once a minute, so keep this above a
 *     minute
 */
@ConfigurationProperties("consentry.jobs")
record JobsProperties(
    @DefaultValue("500") int chunkSize,
    @DefaultValue("0s") Duration chunkPause,
    @DefaultValue("10s") Duration leaseRenewal,
    @DefaultValue("60s") Duration leaseExpiry,
    @DefaultValue("3m") Duration finalizeExpiry) {

  JobsProperties {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("consentry.jobs.chunk-size must be at least 1");
    }
    if (leaseExpiry.compareTo(leaseRenewal.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "consentry.jobs.lease-expiry must be at least twice consentry.jobs.lease-renewal");
    }
  }
}
