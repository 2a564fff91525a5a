package org.consentry.server.terminology;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.ArrayList;
import java.util.List;
import org.consentry.terminology.Terminology;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores the bundled CodeSystems, ValueSets and ConceptMap in HAPI's terminology store, where
 * {@code $lookup}, {@code $validate-code}, {@code $expand}, {@code $subsumes} and {@code
 * $translate} find them. Idempotent: each is written by its fixed id, and an unchanged resource
 * makes no new version.
 */
final class BundledTerminology {

  private static final Logger log = LoggerFactory.getLogger(BundledTerminology.class);

  private final DaoRegistry daos;

  BundledTerminology(DaoRegistry daos) {
    this.daos = daos;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  void store() {
    Terminology bundled = Terminology.bundled();
    List<Resource> resources = new ArrayList<>();
    resources.addAll(bundled.codeSystems());
    resources.addAll(bundled.valueSets());
    resources.addAll(bundled.conceptMaps());
    for (Resource resource : resources) {
      IFhirResourceDao dao = daos.getResourceDao(resource.fhirType());
      dao.update(resource, new SystemRequestDetails());
    }
    log.info("Bundled terminology stored: {} resources", resources.size());
  }
}
