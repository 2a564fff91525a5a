package org.consentry.server.jobs;

import ca.uhn.fhir.batch2.api.IJobDataSink;
import ca.uhn.fhir.batch2.jobs.chunk.ResourceIdListWorkChunkJson;
import ca.uhn.fhir.batch2.jobs.chunk.TypedPidJson;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.svc.IBatch2DaoSvc;
import ca.uhn.fhir.jpa.api.svc.IIdHelperService;
import ca.uhn.fhir.jpa.dao.SearchBuilderFactory;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The resources a job goes through, as Batch2 work chunks of resource ids: listed with HAPI's own
 * id stream (the one its reindex job uses), loaded back one chunk at a time, in one go.
 */
public final class ResourceChunks {

  /** The count each listed chunk records under its key: the job's total. */
  public static final String LISTED = "total";

  private final IBatch2DaoSvc ids;
  private final DaoRegistry daos;
  private final IIdHelperService<JpaPid> idHelper;
  private final DurableJobs jobs;
  private final SearchBuilderFactory<JpaPid> searchBuilders;
  private final IHapiTransactionService transactions;

  ResourceChunks(
      IBatch2DaoSvc ids,
      DaoRegistry daos,
      IIdHelperService<JpaPid> idHelper,
      DurableJobs jobs,
      SearchBuilderFactory<JpaPid> searchBuilders,
      IHapiTransactionService transactions) {
    this.ids = ids;
    this.daos = daos;
    this.idHelper = idHelper;
    this.jobs = jobs;
    this.searchBuilders = searchBuilders;
    this.transactions = transactions;
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

  /**
   * The chunk's resources as stored now (current versions, those deleted since left out), loaded
   * per resource type in one go, the way HAPI's searches load a page: one query for the resource
   * bodies and one for their tags, not a few queries per resource.
   */
  public List<IBaseResource> load(ResourceIdListWorkChunkJson chunk) {
    List<JpaPid> pids = chunk.getResourcePersistentIds(idHelper);
    Map<String, List<JpaPid>> byType = new LinkedHashMap<>();
    for (int i = 0; i < pids.size(); i++) {
      byType.computeIfAbsent(chunk.getResourceType(i), type -> new ArrayList<>()).add(pids.get(i));
    }
    return transactions
        .withSystemRequestOnPartition(RequestPartitionId.allPartitions())
        .readOnly()
        .execute(
            () -> {
              List<IBaseResource> resources = new ArrayList<>(pids.size());
              byType.forEach(
                  (type, ofType) -> {
                    List<IBaseResource> loaded = new ArrayList<>(ofType.size());
                    searchBuilders
                        .newSearchBuilder(type, daos.getResourceDao(type).getResourceType())
                        .loadResourcesByPid(
                            List.copyOf(ofType),
                            List.of(),
                            loaded,
                            false,
                            new SystemRequestDetails());
                    // a resource deleted since it was listed leaves a gap (null)
                    loaded.stream().filter(Objects::nonNull).forEach(resources::add);
                  });
              return resources;
            });
  }
}
