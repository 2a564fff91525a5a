package org.consentry.server.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.consentry.consent.ConsentEngine;
import org.consentry.consent.PatientConsents;
import org.consentry.consent.ReferenceResolver;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Every patient's active Consents, compiled, as of one generation (see {@link ConsentGeneration}):
 * read in one query, as the server, the first time a request of a new generation needs them, and
 * kept until any Consent changes. A patient without Consents gets an empty compilation.
 */
final class ConsentCache {

  /** More active Consents than this in one database is refused loudly rather than served partly. */
  private static final int MAX_CONSENTS = 500_000;

  private final ConsentEngine engine;
  private final DaoRegistry daos;
  private final ConsentGeneration generation;
  private volatile Snapshot snapshot = new Snapshot(Long.MIN_VALUE, Map.of());

  /**
   * The empty compilation of patients without Consents, reused (their decision is the policy
   * default).
   */
  private final Map<String, PatientConsents> none = new java.util.concurrent.ConcurrentHashMap<>();

  /** The compiled Consents of every patient who has one, at a generation. */
  record Snapshot(long generation, Map<String, PatientConsents> byPatient) {}

  ConsentCache(ConsentEngine engine, DaoRegistry daos, ConsentGeneration generation) {
    this.engine = engine;
    this.daos = daos;
    this.generation = generation;
  }

  /** The generation a request decides with: read once per request. */
  long currentGeneration() {
    return generation.current();
  }

  /** The patient's compiled consents as of that generation. */
  PatientConsents consentsOf(String patientId, long asOf) {
    PatientConsents consents = snapshot(asOf).byPatient().get(patientId);
    if (consents != null) {
      return consents;
    }
    if (none.size() > 100_000) {
      none.clear();
    }
    return none.computeIfAbsent(patientId, p -> engine.compile(p, List.of()));
  }

  /** The patients who have active Consents, with them, as of that generation. */
  Snapshot snapshot(long asOf) {
    Snapshot current = snapshot;
    if (current.generation() >= asOf) {
      return current; // a request that read an older generation may decide with newer Consents
    }
    synchronized (this) {
      current = snapshot;
      if (current.generation() < asOf) {
        current = new Snapshot(asOf, loadAll());
        snapshot = current;
      }
      return current;
    }
  }

  /** After a Consent change committed: every node sees a new generation on its next request. */
  void invalidate() {
    generation.bump();
  }

  private Map<String, PatientConsents> loadAll() {
    IFhirResourceDao<Consent> dao = daos.getResourceDao(Consent.class);
    SearchParameterMap query =
        SearchParameterMap.newSynchronous().add(Consent.SP_STATUS, new TokenParam("active"));
    query.setLoadSynchronousUpTo(MAX_CONSENTS + 1);
    IBundleProvider found = dao.search(query, new SystemRequestDetails());
    List<IBaseResource> all = found.getAllResources();
    if (all.size() > MAX_CONSENTS) {
      throw new IllegalStateException(
          "more than " + MAX_CONSENTS + " active Consents: raise MAX_CONSENTS");
    }
    Map<String, List<Consent>> byPatient = new HashMap<>();
    for (IBaseResource resource : all) {
      if (resource instanceof Consent consent
          && consent.getPatient().getReferenceElement().hasIdPart()) {
        byPatient
            .computeIfAbsent(
                consent.getPatient().getReferenceElement().getIdPart(), p -> new ArrayList<>())
            .add(consent);
      }
    }
    Map<String, PatientConsents> compiled = new HashMap<>();
    ReferenceResolver resolver = resolver();
    byPatient.forEach(
        (patient, consents) -> {
          PatientConsents patientConsents = engine.compile(patient, consents, resolver);
          if (patientConsents.size() > 0) {
            compiled.put(patient, patientConsents);
          }
        });
    return Map.copyOf(compiled);
  }

  /**
   * For Consents whose data references mean "related": reads the referenced resource as the server.
   */
  private ReferenceResolver resolver() {
    return reference -> {
      try {
        IdType id = new IdType(reference);
        if (!id.hasResourceType() || !id.hasIdPart()) {
          return Optional.empty();
        }
        IBaseResource read =
            daos.getResourceDao(id.getResourceType()).read(id, new SystemRequestDetails());
        return Optional.of((Resource) read);
      } catch (RuntimeException notFound) {
        return Optional.empty();
      }
    };
  }
}
