package org.consentry.server.storage;

import ca.uhn.fhir.util.VersionUtil;
import java.util.List;
import javax.sql.DataSource;
import org.hibernate.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Whether HAPI's tables are already those this build would create, so that Hibernate's schema
 * update runs only when they may not be. The update reads every table's columns, indexes and
 * foreign keys from the database's catalogue, which was about 9 s of every start.
 *
 * <p>The stamp names what decides the tables: HAPI FHIR's version (its entities; Consentry has none
 * of its own), Hibernate's (how it maps them) and the SQL dialect. It does not name Hibernate
 * settings: a change to one that alters the tables (none of {@code FhirJpaConfig}'s does) must
 * change the stamp too, or delete its row so that the next start updates. It is kept in {@value
 * #TABLE} and written only once a start whose update ran is ready: a start that failed before that
 * leaves the previous stamp, and the next start updates again. A database restored from an older
 * version carries that version's stamp, so it is updated too.
 */
public final class SchemaStamp {

  static final String TABLE = "consentry_schema_stamp";

  private static final Logger log = LoggerFactory.getLogger(SchemaStamp.class);

  private final JdbcTemplate jdbc;
  private final String stamp;
  private volatile boolean updated;

  SchemaStamp(DataSource dataSource, String stamp) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.stamp = stamp;
  }

  /** The stamp of this build, for HAPI's tables mapped with {@code dialect}. */
  public static SchemaStamp forDialect(DataSource dataSource, Class<?> dialect) {
    return new SchemaStamp(
        dataSource,
        "HAPI FHIR "
            + VersionUtil.getVersion()
            + "; Hibernate "
            + Version.getVersionString()
            + "; "
            + dialect.getName());
  }

  /**
   * The value for {@code hibernate.hbm2ddl.auto}: {@code none} when the database carries this
   * build's stamp, {@code update} otherwise (a new database among them).
   */
  public String schemaAction() {
    if (stamp.equals(stored())) {
      log.info("Database schema is current ({}): not updated", stamp);
      return "none";
    }
    updated = true;
    return "update";
  }

  @EventListener(ApplicationReadyEvent.class)
  void recordAfterUpdate() {
    if (!updated) {
      return;
    }
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS " + TABLE + " (name varchar(32) PRIMARY KEY, stamp text)");
    jdbc.update(
        "INSERT INTO "
            + TABLE
            + " (name, stamp) VALUES ('hibernate', ?)"
            + " ON CONFLICT (name) DO UPDATE SET stamp = excluded.stamp",
        stamp);
    log.info("Database schema updated for {}", stamp);
  }

  private String stored() {
    try {
      List<String> rows =
          jdbc.queryForList(
              "SELECT stamp FROM " + TABLE + " WHERE name = 'hibernate'", String.class);
      return rows.isEmpty() ? null : rows.get(0);
    } catch (DataAccessException noTableYet) {
      return null;
    }
  }
}
