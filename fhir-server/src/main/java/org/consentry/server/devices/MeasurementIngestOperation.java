package org.consentry.server.devices;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.consentry.consent.Requester;
import org.consentry.server.crypto.Plaintext;
import org.consentry.server.devices.series.Measurement;
import org.consentry.server.devices.series.MeasurementLines;
import org.consentry.server.devices.series.SeriesBatch;
import org.consentry.server.devices.series.SeriesKey;
import org.consentry.server.devices.series.Window;
import org.consentry.server.door.ServerChosenIds;
import org.consentry.server.fhir.FhirOperations;
import org.consentry.server.fhir.ServerReader;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;

/**
 * {@code POST /fhir/Observation/$ingest-measurements}: a gateway's batch of measurements (NDJSON,
 * one a line, see {@link MeasurementLines}) stored as compact series, one Observation per patient,
 * device, code, unit, sampling period and hour ({@link SeriesObservations}).
 *
 * <p>The whole batch is checked first (every line, the patients, that each device belongs to its
 * patient, and for a patient's token that every line is their own); a bad batch gets a 4xx
 * OperationOutcome naming the line and nothing is stored. Then each window is merged with its
 * stored version (read by its id), and the windows that changed are written in one database
 * transaction as the request's requester, each an update by id through HAPI's Observation DAO, so
 * its storage hooks apply as to every write: labelling, field encryption, owner indexes, scope
 * checks and audit. (Not as a FHIR transaction Bundle: that would read every window again and build
 * a response nobody reads.) A window whose merge changes nothing is not written (a re-sent batch
 * makes no new version). A window changed by a concurrent batch since it was read fails the
 * transaction on its version, and so does a window two batches both create; the batch is then
 * merged and written again.
 *
 * <p>The answer says how many measurements and windows the batch held, nothing about what was
 * stored before (a re-sent batch answers the same).
 */
final class MeasurementIngestOperation implements FhirOperations {

  /** The most windows one batch may touch. */
  static final int MAX_WINDOWS = 5_000;

  private static final int ATTEMPTS = 8;
  private static final int READ_CHUNK = 500;

  private final DaoRegistry daos;
  private final ServerReader reader;
  private final Plaintext plaintext;

  MeasurementIngestOperation(DaoRegistry daos, Plaintext plaintext) {
    this.daos = daos;
    this.reader = new ServerReader(daos);
    this.plaintext = plaintext;
  }

  @Operation(
      name = "$ingest-measurements",
      typeName = "Observation",
      manualRequest = true,
      idempotent = false)
  public Parameters ingest(RequestDetails request) {
    Requester requester = Requesters.of(request).orElseThrow();
    String contentType = request.getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("ndjson")) {
      throw new InvalidRequestException(
          "$ingest-measurements takes NDJSON (Content-Type: application/x-ndjson), one measurement"
              + " a line");
    }
    List<Measurement> measurements;
    try {
      measurements = MeasurementLines.parse(request.loadRequestContents());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
    checkOwners(requester, measurements);
    Map<SeriesKey, List<Measurement>> windows = SeriesBatch.group(measurements);
    if (windows.size() > MAX_WINDOWS) {
      throw new InvalidRequestException(
          "the batch touches "
              + windows.size()
              + " hourly windows, more than "
              + MAX_WINDOWS
              + ": split it");
    }
    for (int attempt = 1; ; attempt++) {
      try {
        write(request, windows);
        break;
      } catch (ResourceVersionConflictException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
        pause(attempt);
      }
    }
    Parameters answer = new Parameters();
    answer.addParameter().setName("measurements").setValue(new IntegerType(measurements.size()));
    answer.addParameter().setName("windows").setValue(new IntegerType(windows.size()));
    return answer;
  }

  /**
   * A random 0 to 50 ms times the attempt, so that batches that lost together do not meet again.
   */
  private static void pause(int attempt) {
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(50L * attempt + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ResourceVersionConflictException("interrupted while retrying the batch");
    }
  }

  /**
   * Every line's device exists and belongs to the line's patient ({@code Device.patient}; the
   * patient then exists, as references are kept whole), and a patient's token writes only its own
   * lines. Devices are read in one search as the server; the answer names only what the line said.
   */
  private void checkOwners(Requester requester, List<Measurement> measurements) {
    Map<String, String> deviceOwners = new HashMap<>();
    List<String> deviceIds = new ArrayList<>();
    for (Measurement m : measurements) {
      if (requester.kind() == Requester.Kind.PATIENT && !requester.isPatient(m.patientId())) {
        throw new ForbiddenOperationException(
            "line "
                + m.line()
                + ": a patient's token writes only the patient's own measurements (Patient/"
                + requester.patientId()
                + ")");
      }
      if (deviceOwners.putIfAbsent(m.deviceId(), "") == null) {
        deviceIds.add(m.deviceId());
      }
    }
    for (IBaseResource device : byId("Device", deviceIds)) {
      deviceOwners.put(
          device.getIdElement().getIdPart(),
          ((Device) device).getPatient().getReferenceElement().getIdPart());
    }
    for (Measurement m : measurements) {
      if (m.patientId().equals(deviceOwners.get(m.deviceId()))) {
        continue;
      }
      if (reader.read(new IdType("Patient", m.patientId())).isEmpty()) {
        throw new InvalidRequestException(
            "line " + m.line() + ": Patient/" + m.patientId() + " is not known");
      }
      throw new InvalidRequestException(
          "line "
              + m.line()
              + ": Device/"
              + m.deviceId()
              + " is not known as a device of Patient/"
              + m.patientId()
              + " (its Device.patient)");
    }
  }

  /**
   * Merges each window with its stored version; writes those that changed, in one FHIR transaction.
   * A window that was not stored is written as new ({@link NewWindows}): if another batch created
   * it meanwhile, the transaction fails as a version conflict instead of replacing it.
   */
  private void write(RequestDetails request, Map<SeriesKey, List<Measurement>> windows) {
    NewWindows.reset(request);
    Map<String, Observation> stored = stored(windows.keySet());
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (Map.Entry<SeriesKey, List<Measurement>> group : windows.entrySet()) {
      SeriesKey key = group.getKey();
      Observation before = stored.get(key.observationId());
      Window window;
      try {
        window =
            before == null
                ? Window.empty(key.windowStartMs(), key.periodMs())
                : SeriesObservations.window(key, before);
      } catch (IllegalStateException | IllegalArgumentException e) {
        throw new InvalidRequestException(
            "line " + group.getValue().get(0).line() + ": " + e.getMessage());
      }
      if (!SeriesBatch.merge(window, group.getValue())) {
        continue; // every measurement already there: no new version
      }
      Bundle.BundleEntryComponent entry = transaction.addEntry();
      entry.setFullUrl("Observation/" + key.observationId());
      entry.setResource(SeriesObservations.observation(key, window));
      entry
          .getRequest()
          .setMethod(Bundle.HTTPVerb.PUT)
          .setUrl("Observation/" + key.observationId());
      if (before != null) {
        entry.getRequest().setIfMatch("W/\"" + before.getIdElement().getVersionIdPart() + "\"");
      } else {
        NewWindows.expect(request, key.observationId());
      }
    }
    if (!transaction.hasEntry()) {
      return;
    }
    ServerChosenIds.mark(request); // checkOwners: every window is the requester's to write
    @SuppressWarnings("unchecked")
    IFhirSystemDao<Bundle, Meta> system = (IFhirSystemDao<Bundle, Meta>) daos.getSystemDao();
    system.transaction(request, transaction);
  }

  /**
   * The stored windows of these keys, read as the server and decrypted (the gateway never sees
   * them: they are merged and written back, encrypted again as they are stored), by id.
   */
  private Map<String, Observation> stored(Iterable<SeriesKey> keys) {
    List<String> ids = new ArrayList<>();
    keys.forEach(key -> ids.add(key.observationId()));
    Map<String, Observation> found = new LinkedHashMap<>();
    for (IBaseResource resource : byId("Observation", ids)) {
      Observation window = (Observation) resource;
      plaintext.reveal(window); // a restricted window's values are stored encrypted
      found.put(window.getIdElement().getIdPart(), window);
    }
    return found;
  }

  /** The current versions of these ids, read as the server in searches of up to 500 ids. */
  private List<IBaseResource> byId(String type, List<String> ids) {
    List<IBaseResource> found = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += READ_CHUNK) {
      TokenOrListParam anyOf = new TokenOrListParam();
      ids.subList(from, Math.min(ids.size(), from + READ_CHUNK)).forEach(anyOf::add);
      SearchParameterMap query = SearchParameterMap.newSynchronous().add("_id", anyOf);
      found.addAll(
          daos.getResourceDao(type)
              .search(query, new SystemRequestDetails())
              .getResources(0, READ_CHUNK + 1));
    }
    return found;
  }
}
