package org.consentry.server.consent;

import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.entity.ResourceIndexedSearchParamToken;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.consentry.server.fhir.OwnerIndex;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The other owners of the stored resources of a type that belong to some patients, read from the
 * server's own {@link OwnerIndex#OWNER} index: one indexed query over those patients' resources of
 * the type (their index rows), whatever the number of patients stored. A resource of several owners
 * is shown only if every owner allows it, so a view restricted to a search's patients must keep the
 * entries of these too.
 */
final class CoOwners {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CoOwners.class);

  private final JdbcTemplate jdbc;
  private final PartitionSettings partitions;

  CoOwners(DataSource dataSource, PartitionSettings partitions) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.partitions = partitions;
  }

  /**
   * Every owner other than {@code patients} of a stored resource of the type that belongs to one of
   * them; empty when the index cannot tell (then nothing may be dropped from the view).
   */
  Optional<Set<String>> of(String type, Set<String> patients) {
    if (patients.isEmpty()) {
      return Optional.of(Set.of());
    }
    RequestPartitionId partition = RequestPartitionId.defaultPartition();
    List<Object> arguments = new ArrayList<>();
    for (String patient : patients) {
      arguments.add(
          ResourceIndexedSearchParamToken.calculateHashValue(
              partitions, partition, type, OwnerIndex.OWNER, patient));
    }
    arguments.add(
        ResourceIndexedSearchParamToken.calculateHashIdentity(
            partitions, partition, type, OwnerIndex.OWNER));
    arguments.addAll(new ArrayList<>(arguments.subList(0, patients.size())));
    String in = String.join(",", Collections.nCopies(patients.size(), "?"));
    List<String> others;
    try {
      others =
          jdbc.queryForList(
              "SELECT DISTINCT o.sp_value FROM hfj_spidx_token s"
                  + " JOIN hfj_spidx_token o ON o.res_id = s.res_id"
                  + " WHERE s.hash_value IN ("
                  + in
                  + ") AND o.hash_identity = ? AND o.hash_value NOT IN ("
                  + in
                  + ")",
              String.class,
              arguments.toArray());
    } catch (DataAccessException e) {
      log.warn("Could not read the other owners of {} resources; the whole view applies", type, e);
      return Optional.empty();
    }
    if (others.contains(null)) {
      return Optional.empty(); // the index keeps hashes only: the owners cannot be named
    }
    return Optional.of(new TreeSet<>(others));
  }
}
