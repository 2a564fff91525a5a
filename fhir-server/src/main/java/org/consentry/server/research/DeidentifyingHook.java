package org.consentry.server.research;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.util.FhirTerser;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.consentry.consent.Requester;
import org.consentry.deid.DeidProfile;
import org.consentry.deid.Deidentifier;
import org.consentry.deid.QuasiIdentifiers;
import org.consentry.deid.RiskSettings;
import org.consentry.server.consent.ReadDecision;
import org.consentry.server.crypto.Plaintext;
import org.consentry.server.fhir.PatientCompartment;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * De-identifies what a research export writes. Registered with HAPI's storage interceptors on the
 * export job's per-resource hook, after the consent hook (which has already left out what the
 * patient's Consents hide from the study). For each resource of a research job:
 *
 * <ol>
 *   <li>only resources of released patients pass (defence in depth: the job asks for nobody else);
 *   <li>its encrypted fields are decrypted ({@link Plaintext}): de-identification works on values;
 *   <li>references to what the export does not hold (Practitioner, Organization, other patients'
 *       data, and what the patient's Consents hide from the study, such as the mental-health
 *       Encounter a visible Observation refers to) are removed, so every reference left resolves
 *       inside the export and none tells of a hidden resource;
 *   <li>the study's profile is applied under the study's key ({@link Deidentifier}, in place);
 *   <li>a Patient's quasi-identifiers are generalized to the level the risk report chose, when k is
 *       above 1: the birth date becomes an age band ({@value #AGE_BAND}), and ZIP3, race or
 *       ethnicity go where that level removes them.
 * </ol>
 *
 * The job encodes the resource after this hook, so the file holds only the de-identified form. A
 * job whose stored settings cannot be read writes nothing (fail closed).
 */
@Interceptor
final class DeidentifyingHook {

  static final String AGE_BAND = "http://consentry.org/fhir/StructureDefinition/age-band";
  private static final String RACE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
  private static final String ETHNICITY =
      "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity";
  private static final int KEPT = 8;
  private static final int CACHED_DECISIONS = 200_000;

  private final FhirTerser terser;
  private final DaoRegistry daos;
  private final ReadDecision decision;
  private final PatientCompartment compartment;
  private final Plaintext plaintext;
  private final StudyKeys studyKeys;
  private final ResearchTypes types;
  private final Clock clock;
  private final Map<String, Prepared> prepared =
      new LinkedHashMap<>(KEPT, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Prepared> eldest) {
          return size() > KEPT;
        }
      };

  DeidentifyingHook(
      FhirContext fhir,
      DaoRegistry daos,
      ReadDecision decision,
      PatientCompartment compartment,
      Plaintext plaintext,
      StudyKeys studyKeys,
      ResearchTypes types,
      Clock clock) {
    this.terser = fhir.newTerser();
    this.daos = daos;
    this.decision = decision;
    this.compartment = compartment;
    this.plaintext = plaintext;
    this.studyKeys = studyKeys;
    this.types = types;
    this.clock = clock;
  }

  private volatile Object[] last = {null, null};

  /** A job's settings, read once per job. */
  private record Prepared(
      ResearchRun run,
      Requester requester,
      Deidentifier deid,
      RiskSettings.Level level,
      boolean generalize,
      Map<String, Boolean> wholePatient,
      Map<String, Boolean> visible) {}

  @Hook(value = Pointcut.STORAGE_BULK_EXPORT_RESOURCE_INCLUSION, order = 100)
  public boolean include(BulkExportJobParameters parameters, IBaseResource resource) {
    Optional<String> stored = ResearchRun.storedIn(parameters);
    if (stored.isEmpty()) {
      return true;
    }
    Prepared job;
    try {
      job = prepare(stored.get());
    } catch (RuntimeException e) {
      return false;
    }
    if (!(resource instanceof Resource r)) {
      return false;
    }
    Set<String> owners = compartment.owners(r);
    if (owners.isEmpty() || !job.run().released().containsAll(owners)) {
      return false;
    }
    String owner = owners.iterator().next();
    plaintext.reveal(r);
    QuasiIdentifiers qi = r instanceof Patient p ? QuasiIdentifiers.of(p, owner, clock) : null;
    removeOutsideReferences(r, owner, job);
    job.deid().deidentifyInPlace(r, owner);
    if (r instanceof Patient patient && job.generalize()) {
      generalize(patient, job.level(), qi);
    }
    return true;
  }

  private Prepared prepare(String json) {
    Object[] seen = last;
    if (seen[0] == json) {
      return (Prepared) seen[1]; // the same job's parameters: no lookup by a long key
    }
    Prepared made = prepareAnew(json);
    last = new Object[] {json, made};
    return made;
  }

  private synchronized Prepared prepareAnew(String json) {
    Prepared found = prepared.get(json);
    if (found != null) {
      return found;
    }
    ResearchRun run = ResearchRun.read(json);
    DeidProfile profile =
        Study.builtInProfile(run.profile())
            .orElseThrow(() -> new IllegalStateException("unknown profile " + run.profile()));
    int k = run.manifest().path("k").asInt(Study.DEFAULT_K);
    Prepared made =
        new Prepared(
            run,
            run.requester(),
            studyKeys.deidentifier(run.study(), run.profile(), profile),
            RiskSettings.DEFAULT_LADDER.get(
                Math.min(run.level(), RiskSettings.DEFAULT_LADDER.size() - 1)),
            k > 1,
            new ConcurrentHashMap<>(),
            new ConcurrentHashMap<>());
    prepared.put(json, made);
    return made;
  }

  /**
   * Removes references to resources the export does not hold: other types than the export's,
   * Patients not released, and, for a patient whose Consents depend on content, resources those
   * Consents hide from the study (each such target is read and decided once per job). Contained
   * ({@code #id}) references stay.
   */
  private void removeOutsideReferences(Resource resource, String owner, Prepared job) {
    Set<String> released = job.run().released();
    for (Reference reference :
        terser.getAllPopulatedChildElementsOfType(resource, Reference.class)) {
      String value = reference.getReference();
      if (value == null || value.startsWith("#")) {
        continue;
      }
      IdType target = new IdType(value);
      String type = target.getResourceType();
      boolean inside =
          !target.isAbsolute()
              && type != null
              && target.hasIdPart()
              && types.contains(type)
              && ("Patient".equals(type)
                  ? released.contains(target.getIdPart())
                  : wholePatient(job, owner) || visible(job, type + "/" + target.getIdPart()));
      if (!inside) {
        reference.setReference(null);
        reference.setIdentifier(null);
        reference.setDisplay(null);
      }
    }
  }

  private boolean wholePatient(Prepared job, String owner) {
    Boolean known = job.wholePatient().get(owner);
    if (known == null) {
      SystemRequestDetails request = new SystemRequestDetails();
      Requesters.setOnInternalRequest(request, job.requester());
      known = decision.decidesWholePatient(request, job.requester(), owner);
      bounded(job.wholePatient()).put(owner, known);
    }
    return known;
  }

  /** Whether the job exports the resource: it exists, its owners are released, consent shows it. */
  private boolean visible(Prepared job, String reference) {
    Boolean known = job.visible().get(reference);
    if (known == null) {
      known = decideTarget(job, reference);
      bounded(job.visible()).put(reference, known);
    }
    return known;
  }

  private boolean decideTarget(Prepared job, String reference) {
    IdType id = new IdType(reference);
    IBaseResource target;
    try {
      target = daos.getResourceDao(id.getResourceType()).read(id, new SystemRequestDetails());
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return false;
    }
    Set<String> owners = compartment.owners(target);
    if (owners.isEmpty() || !job.run().released().containsAll(owners)) {
      return false;
    }
    SystemRequestDetails request = new SystemRequestDetails();
    Requesters.setOnInternalRequest(request, job.requester());
    return decision.maySee(request, job.requester(), target);
  }

  private static Map<String, Boolean> bounded(Map<String, Boolean> cache) {
    if (cache.size() > CACHED_DECISIONS) {
      cache.clear();
    }
    return cache;
  }

  private static void generalize(Patient patient, RiskSettings.Level level, QuasiIdentifiers qi) {
    patient.setBirthDateElement(null);
    patient.addExtension(
        AGE_BAND, new org.hl7.fhir.r4.model.StringType(qi.ageBand(level.ageBandYears())));
    if (!level.zip3()) {
      patient.getAddress().forEach(address -> address.setPostalCode(null));
    }
    if (!level.race()) {
      patient.getExtension().removeIf(e -> RACE.equals(e.getUrl()));
    }
    if (!level.ethnicity()) {
      patient.getExtension().removeIf(e -> ETHNICITY.equals(e.getUrl()));
    }
  }
}
