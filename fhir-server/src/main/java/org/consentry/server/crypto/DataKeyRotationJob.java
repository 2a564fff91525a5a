package org.consentry.server.crypto;

import ca.uhn.fhir.batch2.api.IFirstJobStepWorker;
import ca.uhn.fhir.batch2.api.IJobDataSink;
import ca.uhn.fhir.batch2.api.ILastJobStepWorker;
import ca.uhn.fhir.batch2.api.RunOutcome;
import ca.uhn.fhir.batch2.api.StepExecutionDetails;
import ca.uhn.fhir.batch2.api.VoidModel;
import ca.uhn.fhir.batch2.jobs.chunk.ResourceIdListWorkChunkJson;
import ca.uhn.fhir.batch2.model.JobDefinition;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.model.api.IModelJson;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.annotation.Nonnull;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.consentry.crypto.KeyDestroyedException;
import org.consentry.crypto.KeyRing;
import org.consentry.server.jobs.DurableJobs;
import org.consentry.server.jobs.ResourceChunks;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-key rotation as a Batch2 job: the first step makes a new version of each data key (all, or
 * the given key ids) and lists every stored resource's id in chunks; the second step re-encrypts
 * the current version of each resource of a chunk that holds a field under one of those keys,
 * through a version-checked update (a resource changed meanwhile was re-encrypted by that write; it
 * is skipped, not overwritten). Older resource versions (history) keep their ciphertext under the
 * older data-key versions, which stay stored so they still decrypt; erasure destroys all versions
 * alike, and an erased patient's key is neither rotated nor its data rewritten. A step run again
 * after its node died rotates a key once more or re-encrypts a resource once more, which is
 * harmless.
 */
final class DataKeyRotationJob {

  static final String DEFINITION_ID = "consentry-rotate-data-keys";
  static final String KEYS = "keys";
  static final String SCANNED = "scanned";
  static final String REENCRYPTED = "reencrypted";

  private static final Logger LOG = LoggerFactory.getLogger(DataKeyRotationJob.class);

  /** The job's parameters: the key ids (patient ids) to rotate; none: every key. */
  static final class Parameters implements IModelJson {
    @JsonProperty("keyIds")
    List<String> keyIds = new ArrayList<>();

    Parameters() {}

    Parameters(Set<String> keyIds) {
      this.keyIds = new ArrayList<>(keyIds);
      this.keyIds.sort(null);
    }
  }

  private DataKeyRotationJob() {}

  static JobDefinition<Parameters> definition(
      DurableJobs jobs,
      ResourceChunks chunks,
      DaoRegistry daos,
      KeyRing keyRing,
      JdbcDataKeyStore store,
      ResourceEncryption encryption) {
    return JobDefinition.newBuilder()
        .setJobDefinitionId(DEFINITION_ID)
        .setJobDescription("Rotate data keys and re-encrypt what they protect")
        .setJobDefinitionVersion(1)
        .setParametersType(Parameters.class)
        // gated: the chunks run once the listing is complete, so the total is known before any
        // chunk is processed (and Batch2 queues each chunk once, from its maintenance pass)
        .gatedExecution()
        .addFirstStep(
            "rotate-keys",
            "New data-key versions; list the ids of every stored resource",
            ResourceIdListWorkChunkJson.class,
            new RotateKeys(jobs, chunks, keyRing, store))
        .addLastStep(
            "reencrypt",
            "Re-encrypt one chunk of resources",
            new Reencrypt(jobs, chunks, daos, encryption))
        .build();
  }

  private record RotateKeys(
      DurableJobs jobs, ResourceChunks chunks, KeyRing keyRing, JdbcDataKeyStore store)
      implements IFirstJobStepWorker<Parameters, ResourceIdListWorkChunkJson> {
    @Nonnull
    @Override
    public RunOutcome run(
        @Nonnull StepExecutionDetails<Parameters, VoidModel> details,
        @Nonnull IJobDataSink<ResourceIdListWorkChunkJson> sink) {
      String instanceId = details.getInstance().getInstanceId();
      List<String> only = details.getParameters().keyIds;
      List<String> keyIds = only.isEmpty() ? store.keyIds() : only;
      long keys = 0;
      for (String keyId : keyIds) {
        try {
          keyRing.rotateDataKey(keyId);
          keys++;
        } catch (KeyDestroyedException e) {
          // erased meanwhile: nothing of it can be re-encrypted
        }
      }
      jobs.record(instanceId, "keys", Map.of(KEYS, keys));
      chunks.listAll(instanceId, sink);
      return RunOutcome.SUCCESS;
    }
  }

  private record Reencrypt(
      DurableJobs jobs, ResourceChunks chunks, DaoRegistry daos, ResourceEncryption encryption)
      implements ILastJobStepWorker<Parameters, ResourceIdListWorkChunkJson> {
    @Nonnull
    @Override
    public RunOutcome run(
        @Nonnull StepExecutionDetails<Parameters, ResourceIdListWorkChunkJson> details,
        @Nonnull IJobDataSink<VoidModel> sink) {
      jobs.beforeChunk();
      Set<String> only = Set.copyOf(details.getParameters().keyIds);
      long reencrypted = 0;
      for (IBaseResource resource : chunks.load(details.getData())) {
        if (resource instanceof Resource r && concerned(r, only) && reencrypt(r)) {
          reencrypted++;
        }
      }
      int scanned = details.getData().size();
      jobs.record(
          details.getInstance().getInstanceId(),
          ResourceChunks.key(details.getData()),
          Map.of(SCANNED, (long) scanned, REENCRYPTED, reencrypted));
      return new RunOutcome(scanned);
    }

    private boolean reencrypt(Resource resource) {
      @SuppressWarnings("unchecked")
      IFhirResourceDao<IBaseResource> dao = daos.getResourceDao(resource);
      try {
        // the version in the id makes HAPI refuse the update if the resource changed meanwhile
        encryption.decrypt(resource);
        dao.update(resource, new SystemRequestDetails());
        return true;
      } catch (ResourceVersionConflictException e) {
        // updated concurrently: that write encrypted it under the new key version
        return false;
      } catch (InvalidRequestException | UnprocessableEntityException e) {
        // no longer writable as it is (an erased patient's entry, a Binary whose security
        // context was deleted): it keeps its ciphertext under the older key version, still
        // readable
        LOG.warn(
            "{} not re-encrypted: {}",
            resource.getIdElement().toUnqualifiedVersionless().getValue(),
            e.getMessage());
        return false;
      }
    }
  }

  private static boolean concerned(Resource resource, Set<String> only) {
    List<String> keyIds = FieldEncryptor.keyIdsOf(resource);
    return !keyIds.isEmpty() && (only.isEmpty() || keyIds.stream().anyMatch(only::contains));
  }
}
