package org.consentry.server.consent;

import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.entity.ResourceIndexedSearchParamToken;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.consentry.server.cluster.Generations.Topic;
import org.consentry.server.fhir.OwnerIndex;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The other owners of the stored resources of a type that belong to some patients, read from the
 * server's own {@link OwnerIndex#OWNER} index: one indexed query over those patients' resources of
 * the type (their index rows), whatever the number of patients stored. A resource of several owners
 * is shown only if every owner allows it, so a view restricted to a search's patients must keep the
 * entries of these too.
 *
 * <p>Answers are kept per {@link Topic#CO_OWNERS} generation, which every write of a resource of
 * several patients bumps inside the writing transaction ({@link CoOwnedWrites}): a request that
 * read generation {@code g} at its start gets what was read at {@code g} (a read made later can
 * only name more owners, never fewer), and nothing kept at an older generation. Resources of
 * several patients are rare, so most patient-scoped searches of a requester whose view names other
 * patients no longer ask the database.
 */
final class CoOwners {

  /** How the other owners are read; empty when the index cannot tell. */
  interface Lookup {
    Optional<Set<String>> of(String type, Set<String> patients);
  }

  /** At most this many answers are kept; the least recently used go first. */
  static final int CAPACITY = 10_000;

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CoOwners.class);

  private record Key(String type, Set<String> patients) {}

  private final Lookup lookup;
  private final Map<Key, Set<String>> kept =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Set<String>> eldest) {
          return size() > CAPACITY;
        }
      };
  private long keptGeneration = Long.MIN_VALUE;

  CoOwners(DataSource dataSource, PartitionSettings partitions) {
    this(new IndexLookup(new JdbcTemplate(dataSource), partitions));
  }

  CoOwners(Lookup lookup) {
    this.lookup = lookup;
  }

  /**
   * Every owner other than {@code patients} of a stored resource of the type that belongs to one of
   * them; empty when the index cannot tell (then nothing may be dropped from the view).
   *
   * @param generation the {@link Topic#CO_OWNERS} generation the request read at its start, or null
   *     (nothing is kept or reused then)
   */
  Optional<Set<String>> of(String type, Set<String> patients, Long generation) {
    if (patients.isEmpty()) {
      return Optional.of(Set.of());
    }
    if (generation == null) {
      return lookup.of(type, patients);
    }
    Key key = new Key(type, Set.copyOf(patients));
    synchronized (kept) {
      if (generation == keptGeneration) {
        Set<String> known = kept.get(key);
        if (known != null) {
          return Optional.of(known);
        }
      } else if (generation < keptGeneration) {
        return lookup.of(type, patients); // a request older than what is kept
      }
    }
    Optional<Set<String>> found = lookup.of(type, patients);
    synchronized (kept) {
      if (generation > keptGeneration) {
        kept.clear();
        keptGeneration = generation;
      }
      if (generation == keptGeneration) {
        found.ifPresent(owners -> kept.put(key, owners));
      }
    }
    return found;
  }

  /** The query on the owner index. */
  private record IndexLookup(JdbcTemplate jdbc, PartitionSettings partitions) implements Lookup {

    @Override
    public Optional<Set<String>> of(String type, Set<String> patients) {
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
        log.warn(
            "Could not read the other owners of {} resources; the whole view applies", type, e);
        return Optional.empty();
      }
      if (others.contains(null)) {
        return Optional.empty(); // the index keeps hashes only: the owners cannot be named
      }
      return Optional.of(Collections.unmodifiableSet(new TreeSet<>(others)));
    }
  }
}
