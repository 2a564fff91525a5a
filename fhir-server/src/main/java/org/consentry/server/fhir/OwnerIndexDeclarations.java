package org.consentry.server.fhir;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.jobs.reindex.ReindexJobParameters;
import ca.uhn.fhir.batch2.jobs.reindex.ReindexUtils;
import ca.uhn.fhir.batch2.model.JobInstanceStartRequest;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.List;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.SearchParameter;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Stores the {@link OwnerIndex} SearchParameters when they are missing or differ. If resources of
 * the types that can belong to patients are already stored (a database from before the indexes), a
 * HAPI reindex job (Batch2, resumable) fills their owner indexes; until it finishes such data is
 * still decided per resource, but counts may include it. HAPI's own reindex of everything on a new
 * SearchParameter is skipped: terminology and conformance resources have no owners.
 */
final class OwnerIndexDeclarations {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(OwnerIndexDeclarations.class);

  private final FhirContext fhir;
  private final DaoRegistry daos;
  private final ISearchParamRegistry registry;
  private final IJobCoordinator jobs;
  private final JdbcTemplate jdbc;
  private final PatientCompartment compartment;

  OwnerIndexDeclarations(
      FhirContext fhir,
      DaoRegistry daos,
      ISearchParamRegistry registry,
      IJobCoordinator jobs,
      DataSource dataSource,
      PatientCompartment compartment) {
    this.fhir = fhir;
    this.daos = daos;
    this.registry = registry;
    this.jobs = jobs;
    this.jdbc = new JdbcTemplate(dataSource);
    this.compartment = compartment;
  }

  void store() {
    IFhirResourceDao<SearchParameter> dao = daos.getResourceDao(SearchParameter.class);
    boolean changed = false;
    for (SearchParameter declared : OwnerIndex.declarations()) {
      SearchParameter stored = read(dao, declared.getIdPart());
      if (stored != null
          && stored.getExpression().equals(declared.getExpression())
          && stored.getStatus() == declared.getStatus()) {
        continue;
      }
      SystemRequestDetails request = new SystemRequestDetails();
      request.getUserData().put(JpaConstants.SKIP_REINDEX_ON_UPDATE, Boolean.TRUE);
      dao.update(declared, request);
      log.info("Declared search index {}", declared.getCode());
      changed = true;
    }
    if (changed) {
      registry.forceRefresh();
      reindexStoredPatientData();
    }
  }

  private void reindexStoredPatientData() {
    List<String> types =
        fhir.getResourceTypes().stream().filter(compartment::mayHaveOwners).sorted().toList();
    List<String> stored =
        jdbc
            .queryForList(
                "SELECT DISTINCT RES_TYPE FROM HFJ_RESOURCE WHERE RES_DELETED_AT IS NULL",
                String.class)
            .stream()
            .filter(types::contains)
            .toList();
    if (stored.isEmpty()) {
      return;
    }
    ReindexJobParameters parameters = new ReindexJobParameters();
    stored.forEach(type -> parameters.addUrl(type + "?"));
    jobs.startInstance(
        new SystemRequestDetails(),
        new JobInstanceStartRequest(ReindexUtils.JOB_REINDEX, parameters));
    log.info("Reindexing stored {} in the background to fill the owner indexes", stored);
  }

  private static SearchParameter read(IFhirResourceDao<SearchParameter> dao, String id) {
    try {
      return dao.read(new IdType("SearchParameter", id), new SystemRequestDetails());
    } catch (ResourceNotFoundException | ResourceGoneException absent) {
      return null;
    }
  }
}
