package org.consentry.server.jobs;

import ca.uhn.fhir.batch2.api.IJobDataSink;
import ca.uhn.fhir.batch2.jobs.chunk.ResourceIdListWorkChunkJson;
import ca.uhn.fhir.batch2.jobs.chunk.TypedPidJson;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.svc.IBatch2DaoSvc;
import ca.uhn.fhir.jpa.api.svc.IIdHelperService;
import ca.uhn.fhir.rest.api.server.storage.IResourcePersistentId;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The resources a job goes through, as Batch2 work chunks of resource ids: listed with HAPI's own
 * id stream (the one its reindex job uses), loaded back one chunk at a time.
 */
public final class ResourceChunks {

  /** The count each listed chunk records under its key: the job's total. */
  public static final String LISTED = "total";

  private final IBatch2DaoSvc ids;
  private final DaoRegistry daos;
  private final IIdHelperService<IResourcePersistentId<?>> idHelper;
  private final DurableJobs jobs;

  ResourceChunks(
      IBatch2DaoSvc ids,
      DaoRegistry daos,
      IIdHelperService<IResourcePersistentId<?>> idHelper,
      DurableJobs jobs) {
    this.ids = ids;
    this.daos = daos;
    this.idHelper = idHelper;
    this.jobs = jobs;
  }

  /**
   * Emits every stored resource (current versions, not deleted; up to now) as chunks of {@link
   * DurableJobs#chunkSize()} ids, and records each chunk's size under its key.
   *
   * @return how many resources
   */
  public long listAll(String instanceId, IJobDataSink<ResourceIdListWorkChunkJson> sink) {
    AtomicLong total = new AtomicLong();
    List<TypedPidJson> chunk = new ArrayList<>();
    ids.fetchResourceIdStream(new Date(0L), new Date(), RequestPartitionId.allPartitions(), null)
        .visitStreamNoResult(
            stream ->
                stream.forEach(
                    pid -> {
                      chunk.add(new TypedPidJson(pid));
                      if (chunk.size() >= jobs.chunkSize()) {
                        total.addAndGet(emit(instanceId, chunk, sink));
                      }
                    }));
    total.addAndGet(emit(instanceId, chunk, sink));
    return total.get();
  }

  private int emit(
      String instanceId, List<TypedPidJson> chunk, IJobDataSink<ResourceIdListWorkChunkJson> sink) {
    int size = chunk.size();
    if (size > 0) {
      ResourceIdListWorkChunkJson data =
          new ResourceIdListWorkChunkJson(List.copyOf(chunk), RequestPartitionId.allPartitions());
      jobs.record(instanceId, key(data), Map.of(LISTED, (long) size));
      sink.accept(data);
      chunk.clear();
    }
    return size;
  }

  /**
   * A chunk's key for {@link DurableJobs#record}: its first resource, so that a chunk listed again
   * (the listing step run again after its node died) keeps the same key.
   */
  public static String key(ResourceIdListWorkChunkJson chunk) {
    if (chunk.getTypedPids().isEmpty()) {
      return "empty";
    }
    TypedPidJson first = chunk.getTypedPids().get(0);
    return first.getResourceType() + "/" + first.getPid() + "+" + chunk.size();
  }

  /** The chunk's resources as stored now; those deleted since are left out. */
  public List<IBaseResource> load(ResourceIdListWorkChunkJson chunk) {
    List<IBaseResource> resources = new ArrayList<>();
    List<IResourcePersistentId<?>> pids = chunk.getResourcePersistentIds(idHelper);
    for (int i = 0; i < pids.size(); i++) {
      try {
        resources.add(daos.getResourceDao(chunk.getResourceType(i)).readByPid(pids.get(i)));
      } catch (ResourceGoneException | ResourceNotFoundException e) {
        // deleted since it was listed: nothing to do
      }
    }
    return resources;
  }
}
