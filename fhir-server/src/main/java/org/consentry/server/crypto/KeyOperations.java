package org.consentry.server.crypto;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.crypto.KeyRing;
import org.consentry.crypto.MasterKeystore;
import org.consentry.server.fhir.FhirOperations;
import org.consentry.server.jobs.DurableJobs;
import org.consentry.server.jobs.ResourceChunks;
import org.consentry.server.security.GrantedScopes;
import org.consentry.server.security.Interaction;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;

/**
 * Key operations on the FHIR endpoint.
 *
 * <ul>
 *   <li>{@code POST Patient/ID/$erase}: crypto-shredding. Destroys the patient's data key, so every
 *       encrypted field of every version of every resource of the patient (and every export made or
 *       downloaded later) shows masked; the Patient is stored once more without its blind-index
 *       tokens. For the patient themself or a system client with {@code system/Patient.write} (or
 *       wider); anyone else 403.
 *   <li>{@code POST $rotate-keys}: a new master-key (KEK) version, every data key re-wrapped under
 *       it; no data is re-encrypted and the server keeps serving. System clients only.
 *   <li>{@code POST $rotate-data-keys [patient=ID...]}: new data-key versions and a background
 *       re-encryption as a Batch2 job; {@code GET $rotate-data-keys-status?job=ID} reports its
 *       progress from the job store, on any node.
 * </ul>
 */
final class KeyOperations implements FhirOperations {

  private static final java.util.regex.Pattern PATIENT_ID =
      java.util.regex.Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private final KeyRing keyRing;
  private final MasterKeystore masterKeys;
  private final DaoRegistry daos;
  private final DurableJobs jobs;
  private final KeyAudit audit;

  KeyOperations(
      KeyRing keyRing,
      MasterKeystore masterKeys,
      DaoRegistry daos,
      DurableJobs jobs,
      KeyAudit audit) {
    this.keyRing = keyRing;
    this.audit = audit;
    this.masterKeys = masterKeys;
    this.daos = daos;
    this.jobs = jobs;
  }

  @Operation(name = "$erase", type = Patient.class)
  public Parameters erase(@IdParam IdType id, RequestDetails request) {
    Requester requester =
        Requesters.of(request)
            .orElseThrow(() -> new ForbiddenOperationException("$erase needs a requester"));
    String patientId = id.getIdPart();
    boolean admin =
        requester.kind() == Requester.Kind.SYSTEM
            && GrantedScopes.of(requester.scopes()).reach("Patient", Interaction.UPDATE)
                == GrantedScopes.Reach.ANY;
    if (!requester.isPatient(patientId) && !admin) {
      throw new ForbiddenOperationException(
          "$erase is for the patient themself or a system client with system/Patient.write");
    }
    IFhirResourceDao<Patient> patients = daos.getResourceDao(Patient.class);
    Patient patient = patients.read(id.toUnqualifiedVersionless(), new SystemRequestDetails());
    keyRing.destroy(patientId);
    audit.erased(request, patientId);
    // store the Patient once more: its fields now read masked and its blind-index tokens go,
    // so the erased patient can no longer be found by name or identifier
    patients.update(patient, new SystemRequestDetails());
    Parameters result = new Parameters();
    result.addParameter("erased", "Patient/" + patientId);
    return result;
  }

  @Operation(name = "$rotate-keys")
  public Parameters rotateKeys(RequestDetails request) {
    requireSystem(request, "$rotate-keys");
    int version = masterKeys.rotate();
    int rewrapped = keyRing.rewrapAll(version);
    audit.rotated(
        request,
        KeyAudit.Rotation.MASTER_KEY,
        "kek v" + version,
        "master key rotated to v" + version + ", " + rewrapped + " data keys re-wrapped");
    Parameters result = new Parameters();
    result.addParameter("kekVersion", version);
    result.addParameter("rewrapped", rewrapped);
    return result;
  }

  @Operation(name = "$rotate-data-keys")
  public Parameters rotateDataKeys(
      @OperationParam(name = "patient") List<StringType> patients, RequestDetails request) {
    requireSystem(request, "$rotate-data-keys");
    Set<String> keyIds =
        patients == null
            ? Set.of()
            : Set.copyOf(patients.stream().map(KeyOperations::patientKeyId).toList());
    String id =
        jobs.start(DataKeyRotationJob.DEFINITION_ID, new DataKeyRotationJob.Parameters(keyIds));
    audit.rotated(
        request,
        KeyAudit.Rotation.DATA_KEYS,
        null,
        (keyIds.isEmpty() ? "all data keys" : "data keys of " + keyIds.size() + " patients")
            + " rotated, data re-encrypted by job "
            + id);
    return status(find(id));
  }

  /** A patient's data keys go by the patient's id: {@code Patient/ID} or {@code ID}. */
  private static String patientKeyId(StringType patient) {
    String value = patient == null || patient.getValue() == null ? "" : patient.getValue().trim();
    String id = value.startsWith("Patient/") ? value.substring("Patient/".length()) : value;
    if (!PATIENT_ID.matcher(id).matches()) {
      throw new InvalidRequestException(
          "patient must be a Patient id or Patient/ID, not '" + value + "'");
    }
    return id;
  }

  @Operation(name = "$rotate-data-keys-status", idempotent = true)
  public Parameters rotateDataKeysStatus(
      @OperationParam(name = "job", min = 1) StringType job, RequestDetails request) {
    requireSystem(request, "$rotate-data-keys-status");
    return status(find(job == null ? null : job.getValue()));
  }

  private DurableJobs.Job find(String id) {
    return jobs.find(DataKeyRotationJob.DEFINITION_ID, id)
        .orElseThrow(
            () ->
                new ResourceNotFoundException(
                    "No data-key rotation job with id '" + (id == null ? "" : id) + "'"));
  }

  private static void requireSystem(RequestDetails request, String operation) {
    Requester requester = Requesters.of(request).orElse(null);
    if (requester != null
        && (requester.kind() != Requester.Kind.SYSTEM
            || GrantedScopes.of(requester.scopes()).reach("*", Interaction.UPDATE)
                != GrantedScopes.Reach.ANY)) {
      throw new ForbiddenOperationException(
          operation + " is for system clients with system/*.write or system/*.*");
    }
  }

  private static Parameters status(DurableJobs.Job job) {
    Parameters parameters = new Parameters();
    parameters.addParameter("job", job.id());
    parameters.addParameter("status", job.status().word());
    parameters.addParameter("keys", asInt(job.count(DataKeyRotationJob.KEYS)));
    parameters.addParameter("total", asInt(job.count(ResourceChunks.LISTED)));
    parameters.addParameter("scanned", asInt(job.count(DataKeyRotationJob.SCANNED)));
    parameters.addParameter("reencrypted", asInt(job.count(DataKeyRotationJob.REENCRYPTED)));
    if (job.error() != null) {
      parameters.addParameter("error", job.error());
    }
    return parameters;
  }

  private static int asInt(long count) {
    return (int) Math.min(Integer.MAX_VALUE, count);
  }
}
