package org.consentry.server.consent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.consentry.server.cluster.Generations;
import org.consentry.server.cluster.Generations.Topic;
import org.consentry.server.fhir.CarriedLabels;
import org.consentry.server.fhir.OwnerIndex;
import org.consentry.server.storage.TransactionScoped;
import org.hl7.fhir.r4.model.Coding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The security labels each resource type has ever carried in the {@link OwnerIndex#OWNER_LABEL}
 * index, so that a consent view leaves out the owner-label values of labels no resource of the type
 * carries (no Patient is labelled PSY: a practitioner's Patient searches need no predicate for the
 * patients who keep PSY data from him).
 *
 * <p>A label is recorded in table {@value #TABLE} (type, label system or '', label code) inside the
 * transaction that writes the first resource of the type carrying it, which also bumps {@link
 * Topic#TYPE_LABELS} just before it commits: the row, the new generation and the resource commit
 * together. Rows are never deleted (a deleted or erased resource's labels stay recorded), so a list
 * read at a generation holds every label of every resource a request that read that generation can
 * find. (A request that started before that write may still count the resource, as it would one
 * whose Consent changed while it ran; every resource it shows is decided anyway.) The table is
 * filled once from the index when it is created on a database that has data (marker row {@code
 * '*'}); until it is, and when the index keeps hashes only, nothing is left out.
 */
final class TypeLabels implements CarriedLabels.Listener {

  static final String TABLE = "CONSENTRY_TYPE_LABEL";

  private static final Logger log = LoggerFactory.getLogger(TypeLabels.class);
  private static final String PENDING = TypeLabels.class.getName() + ".pending";
  private static final String MARKER = "*";

  /** One label of one type. */
  private record Label(String type, String system, String code) {}

  /** The labels of each type as read at a generation. */
  private record Known(long generation, Map<String, Set<Label>> byType) {}

  private final JdbcTemplate jdbc;
  private final Generations generations;

  /** Labels this node knows to be committed: a write carrying only these records nothing. */
  private final Set<Label> recorded = ConcurrentHashMap.newKeySet();

  private final boolean complete;
  private volatile Known known;

  TypeLabels(DataSource dataSource, Generations generations, CarriedLabels carried) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.generations = generations;
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS "
            + TABLE
            + " (RES_TYPE TEXT NOT NULL, LABEL_SYSTEM TEXT NOT NULL, LABEL_CODE TEXT NOT NULL,"
            + " PRIMARY KEY (RES_TYPE, LABEL_SYSTEM, LABEL_CODE))");
    carried.listenWith(this); // before the fill, so that no write falls between the two
    this.complete = fill();
    recorded.addAll(read());
  }

  /**
   * Which labels resources of the type may carry, as of the {@link Topic#TYPE_LABELS} generation a
   * request read at its start; every label when that generation is null or nothing is known.
   */
  Predicate<Coding> mayCarry(String type, Long generation) {
    if (!complete || generation == null) {
      return label -> true;
    }
    Known current = known;
    if (current == null || current.generation() < generation) {
      // read after the generation was: holds every label committed with it (and perhaps more)
      current = new Known(generation, byType(read()));
      known = current;
    }
    Set<Label> labels = current.byType().getOrDefault(type, Set.of());
    return label -> labels.contains(label(type, label));
  }

  @Override
  public void carried(String type, List<Coding> labels) {
    List<Label> fresh = new ArrayList<>();
    for (Coding coding : labels) {
      Label label = label(type, coding);
      if (!recorded.contains(label)) {
        fresh.add(label);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    if (!TransactionSynchronizationManager.isActualTransactionActive()
        || !TransactionSynchronizationManager.isSynchronizationActive()) {
      fresh.forEach(this::insert); // not seen: HAPI indexes in its transactions
      generations.bump(Topic.TYPE_LABELS);
      recorded.addAll(fresh);
      return;
    }
    if (TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
      return; // nothing is stored by this transaction: an index computed to match, not to keep
    }
    fresh.forEach(this::insert); // on the writing transaction's connection
    TransactionScoped.<Set<Label>>get(
            PENDING,
            HashSet::new,
            new TransactionScoped.Outcome<>() {
              @Override
              public void beforeCommit(Set<Label> pending) {
                generations.bump(Topic.TYPE_LABELS);
              }

              @Override
              public void afterCommit(Set<Label> pending) {
                recorded.addAll(pending);
              }
            })
        .addAll(fresh);
  }

  private void insert(Label label) {
    jdbc.update(
        "INSERT INTO "
            + TABLE
            + " (RES_TYPE, LABEL_SYSTEM, LABEL_CODE) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        label.type(),
        label.system(),
        label.code());
  }

  /**
   * Fills the table from the owner-label index once; whether it is complete (false when the index
   * keeps hashes only, so that its labels cannot be read back).
   */
  private boolean fill() {
    if (isMarked()) {
      return true;
    }
    boolean indexExists =
        Boolean.TRUE.equals(
            jdbc.queryForObject(
                "SELECT to_regclass('hfj_spidx_token') IS NOT NULL", Boolean.class));
    if (indexExists) {
      List<Integer> hashesOnly =
          jdbc.queryForList(
              "SELECT 1 FROM HFJ_SPIDX_TOKEN WHERE SP_NAME = ? AND SP_VALUE IS NULL LIMIT 1",
              Integer.class,
              OwnerIndex.OWNER_LABEL);
      if (!hashesOnly.isEmpty()) {
        log.warn(
            "The {} index keeps hashes only: consent views keep every owner-label value",
            OwnerIndex.OWNER_LABEL);
        return false;
      }
      jdbc.update(
          "INSERT INTO "
              + TABLE
              + " (RES_TYPE, LABEL_SYSTEM, LABEL_CODE)"
              + " SELECT DISTINCT RES_TYPE, COALESCE(SP_SYSTEM, ''),"
              + " substring(SP_VALUE from position('~' in SP_VALUE) + 1)"
              + " FROM HFJ_SPIDX_TOKEN WHERE SP_NAME = ? AND position('~' in SP_VALUE) > 0"
              + " ON CONFLICT DO NOTHING",
          OwnerIndex.OWNER_LABEL);
    }
    insert(new Label(MARKER, "", MARKER));
    generations.bump(Topic.TYPE_LABELS);
    return true;
  }

  private boolean isMarked() {
    Integer marked =
        jdbc.queryForObject(
            "SELECT count(*) FROM " + TABLE + " WHERE RES_TYPE = ? AND LABEL_CODE = ?",
            Integer.class,
            MARKER,
            MARKER);
    return marked != null && marked > 0;
  }

  private List<Label> read() {
    return jdbc.query(
        "SELECT RES_TYPE, LABEL_SYSTEM, LABEL_CODE FROM " + TABLE + " WHERE RES_TYPE <> ?",
        (rs, row) -> new Label(rs.getString(1), rs.getString(2), rs.getString(3)),
        MARKER);
  }

  private static Map<String, Set<Label>> byType(List<Label> labels) {
    Map<String, Set<Label>> byType = new HashMap<>();
    labels.forEach(label -> byType.computeIfAbsent(label.type(), t -> new HashSet<>()).add(label));
    return byType;
  }

  private static Label label(String type, Coding coding) {
    return new Label(type, coding.hasSystem() ? coding.getSystem() : "", coding.getCode());
  }
}
