package org.consentry.server.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One counter per kind of node-local cache, in the database all nodes share. A change that another
 * node's cache must see bumps its topic's counter once it commits (or in its own transaction, for
 * changes that log what changed at that generation); every node reads all counters once per request
 * ({@link NodeSync}) and refreshes what is older.
 *
 * <p>A bump is an {@code UPDATE} of the topic's row, so bumps of one topic serialize on its row
 * lock: a counter value read by a node is committed, and so is every smaller one.
 */
public final class Generations {

  /** What a counter stands for. */
  public enum Topic {
    /** Any Consent created, changed or deleted. */
    CONSENT,
    /** A data key destroyed (erasure) or given a new version (rotation). */
    KEYS,
    /** A sensitivity value set stored, changed or deleted. */
    TERMINOLOGY,
    /**
     * A CodeSystem, ValueSet or ConceptMap stored, changed or deleted (once HAPI stored its
     * concepts): HAPI's terminology caches and each node's index of concepts.
     */
    CODE_SYSTEMS,
    /** A Subscription created, changed or deleted: each node's registry of active ones. */
    SUBSCRIPTIONS,
    /** A Flag created, changed or deleted: what each node knows of patients' active alert Flags. */
    FLAGS,
    /**
     * A resource of several patients stored (created, or updated so): each node's lists of the
     * other owners of a patient's resources. Bumped inside the writing transaction, so that the new
     * value and the resource commit at once.
     */
    CO_OWNERS,
    /**
     * A resource type carried a security label for the first time: each node's lists of the labels
     * each type carries. Bumped inside the writing transaction, as {@link #CO_OWNERS} is.
     */
    TYPE_LABELS
  }

  /** The counters as read at one moment. */
  public record Snapshot(Map<Topic, Long> values) {
    public long of(Topic topic) {
      return values.getOrDefault(topic, 0L);
    }
  }

  private static final String TABLE = "CONSENTRY_GENERATION";

  private final JdbcTemplate jdbc;

  public Generations(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS "
            + TABLE
            + " (NAME VARCHAR(32) PRIMARY KEY, GENERATION BIGINT NOT NULL)");
    for (Topic topic : Topic.values()) {
      jdbc.update(
          "INSERT INTO "
              + TABLE
              + " (NAME, GENERATION) VALUES (?, 0) ON CONFLICT (NAME) DO NOTHING",
          topic.name());
    }
  }

  /** Every counter, in one query. */
  public Snapshot read() {
    Map<Topic, Long> values = new EnumMap<>(Topic.class);
    jdbc.query(
        "SELECT NAME, GENERATION FROM " + TABLE,
        rs -> {
          try {
            values.put(Topic.valueOf(rs.getString(1)), rs.getLong(2));
          } catch (IllegalArgumentException unknown) {
            // a topic of a newer version of the server: not ours to follow
          }
        });
    return new Snapshot(values);
  }

  /** One counter. */
  public long current(Topic topic) {
    Long value =
        jdbc.queryForObject(
            "SELECT GENERATION FROM " + TABLE + " WHERE NAME = ?", Long.class, topic.name());
    return value == null ? 0 : value;
  }

  /** Bumps a counter in a transaction of its own, after the change committed; the new value. */
  public long bump(Topic topic) {
    Long value =
        jdbc.queryForObject(
            "UPDATE "
                + TABLE
                + " SET GENERATION = GENERATION + 1 WHERE NAME = ? RETURNING GENERATION",
            Long.class,
            topic.name());
    return value == null ? 0 : value;
  }

  /**
   * Bumps a counter inside the caller's transaction (which holds its row lock until it ends), so
   * what the caller logs at the returned generation commits with it.
   */
  public static long bump(Connection connection, Topic topic) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE "
                + TABLE
                + " SET GENERATION = GENERATION + 1 WHERE NAME = ? RETURNING GENERATION")) {
      update.setString(1, topic.name());
      try (ResultSet rs = update.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("the " + TABLE + " row of " + topic + " is missing");
        }
        return rs.getLong(1);
      }
    }
  }
}
