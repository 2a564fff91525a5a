package org.consentry.server.terminology;

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
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.annotation.Nonnull;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.consentry.server.jobs.DurableJobs;
import org.consentry.server.jobs.ResourceChunks;
import org.consentry.terminology.SensitivityLabeler;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;

/**
 * Relabels stored resources after a sensitivity value set changed: every resource of every type,
 * with the labeler in force, as a Batch2 job (the first step lists the resource ids in chunks, the
 * second relabels one chunk). Labels are only added (or a confidentiality level raised), through
 * {@code $meta-add}/{@code $meta-delete}, so no new resource version is made, and relabelling a
 * resource twice (a chunk run again after its node died) changes nothing the second time.
 */
final class RelabelJob {

  static final String DEFINITION_ID = "consentry-relabel";
  static final String PROCESSED = "processed";
  static final String RELABELED = "relabeled";

  /** The job's parameters: what it relabels (always every stored resource, for now). */
  static final class Parameters implements IModelJson {
    @JsonProperty("scope")
    String scope = "all";
  }

  private RelabelJob() {}

  static JobDefinition<Parameters> definition(
      DurableJobs jobs,
      ResourceChunks chunks,
      DaoRegistry daos,
      Supplier<SensitivityLabeler> labeler) {
    return JobDefinition.newBuilder()
        .setJobDefinitionId(DEFINITION_ID)
        .setJobDescription("Relabel stored resources with the sensitivity labels in force")
        .setJobDefinitionVersion(1)
        .setParametersType(Parameters.class)
        // gated: the chunks run once the listing is complete, so the total is known before any
        // chunk is processed (and Batch2 queues each chunk once, from its maintenance pass)
        .gatedExecution()
        .addFirstStep(
            "list-ids",
            "List the ids of every stored resource",
            ResourceIdListWorkChunkJson.class,
            new ListIds(chunks))
        .addLastStep(
            "relabel", "Relabel one chunk of resources", new Relabel(jobs, chunks, daos, labeler))
        .build();
  }

  private record ListIds(ResourceChunks chunks)
      implements IFirstJobStepWorker<Parameters, ResourceIdListWorkChunkJson> {
    @Nonnull
    @Override
    public RunOutcome run(
        @Nonnull StepExecutionDetails<Parameters, VoidModel> details,
        @Nonnull IJobDataSink<ResourceIdListWorkChunkJson> sink) {
      chunks.listAll(details.getInstance().getInstanceId(), sink);
      return RunOutcome.SUCCESS;
    }
  }

  private record Relabel(
      DurableJobs jobs,
      ResourceChunks chunks,
      DaoRegistry daos,
      Supplier<SensitivityLabeler> labeler)
      implements ILastJobStepWorker<Parameters, ResourceIdListWorkChunkJson> {
    @Nonnull
    @Override
    public RunOutcome run(
        @Nonnull StepExecutionDetails<Parameters, ResourceIdListWorkChunkJson> details,
        @Nonnull IJobDataSink<VoidModel> sink) {
      jobs.beforeChunk();
      SensitivityLabeler current = labeler.get();
      long relabeled = 0;
      for (IBaseResource resource : chunks.load(details.getData())) {
        IFhirResourceDao<?> dao = daos.getResourceDao(resource);
        if (relabel(dao, (Resource) resource, current)) {
          relabeled++;
        }
      }
      int processed = details.getData().size();
      jobs.record(
          details.getInstance().getInstanceId(),
          ResourceChunks.key(details.getData()),
          Map.of(PROCESSED, (long) processed, RELABELED, relabeled));
      return new RunOutcome(processed);
    }
  }

  private static boolean relabel(
      IFhirResourceDao<?> dao, Resource resource, SensitivityLabeler labeler) {
    List<Coding> before = resource.getMeta().getSecurity().stream().map(Coding::copy).toList();
    if (!labeler.apply(resource)) {
      return false;
    }
    List<Coding> after = resource.getMeta().getSecurity();
    Meta added = new Meta();
    after.stream().filter(c -> !contains(before, c)).forEach(added::addSecurity);
    Meta removed = new Meta();
    before.stream().filter(c -> !contains(after, c)).forEach(removed::addSecurity);
    SystemRequestDetails request = new SystemRequestDetails();
    if (!removed.getSecurity().isEmpty()) {
      dao.metaDeleteOperation(resource.getIdElement().toVersionless(), removed, request);
    }
    if (!added.getSecurity().isEmpty()) {
      dao.metaAddOperation(resource.getIdElement().toVersionless(), added, request);
    }
    return true;
  }

  private static boolean contains(List<Coding> codings, Coding wanted) {
    return codings.stream()
        .anyMatch(
            c ->
                Objects.equals(c.getSystem(), wanted.getSystem())
                    && Objects.equals(c.getCode(), wanted.getCode()));
  }
}
