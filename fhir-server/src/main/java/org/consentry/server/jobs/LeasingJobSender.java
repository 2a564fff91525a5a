package org.consentry.server.jobs;

import ca.uhn.fhir.batch2.channel.BatchJobSender;
import ca.uhn.fhir.batch2.model.JobWorkNotification;
import ca.uhn.fhir.broker.api.IChannelProducer;
import java.util.function.Supplier;

/**
 * HAPI's sender of work-chunk notifications, which first leases the chunk to this node (see {@link
 * ChunkLeases}). HAPI calls it inside the transaction that moves the chunk to QUEUED.
 */
final class LeasingJobSender extends BatchJobSender {

  private final Supplier<ChunkLeases> leases;

  LeasingJobSender(IChannelProducer<JobWorkNotification> producer, Supplier<ChunkLeases> leases) {
    super(producer);
    this.leases = leases;
  }

  @Override
  public void sendWorkChannelMessage(JobWorkNotification notification) {
    leases.get().lease(notification.getChunkId());
    super.sendWorkChannelMessage(notification);
  }
}
