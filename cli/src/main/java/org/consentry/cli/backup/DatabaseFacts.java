package org.consentry.cli.backup;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a backup's manifest records about the database, read over SQL, and what a restore compares:
 * the PostgreSQL version, a fingerprint of the schema (HAPI creates and updates its tables itself,
 * so there is no migration number to read), and the live resources per type in HAPI's tables.
 *
 * @param postgres {@code SELECT version()}
 * @param postgresVersionNum {@code server_version_num}, e.g. 170006
 * @param schema SHA-256 of every table's columns and types in the {@code public} schema
 * @param tables number of tables in the {@code public} schema
 * @param resources live (not deleted) resources per type
 * @param versions stored resource versions (history included)
 */
public record DatabaseFacts(
    String postgres,
    int postgresVersionNum,
    String schema,
    int tables,
    Map<String, Long> resources,
    long versions) {

  public static DatabaseFacts read(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement()) {
      String version = single(st, "SELECT version()");
      int versionNum = Integer.parseInt(single(st, "SHOW server_version_num"));
      StringBuilder columns = new StringBuilder();
      int tables = 0;
      try (ResultSet rs =
          st.executeQuery(
              "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c"
                  + " JOIN information_schema.tables t ON t.table_schema = c.table_schema"
                  + " AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'"
                  + " WHERE c.table_schema = 'public' ORDER BY 1, 2")) {
        String last = null;
        while (rs.next()) {
          if (!rs.getString(1).equals(last)) {
            last = rs.getString(1);
            tables++;
          }
          columns.append(last).append('.').append(rs.getString(2));
          columns.append(':').append(rs.getString(3)).append('\n');
        }
      }
      Map<String, Long> resources = new TreeMap<>();
      long versions = 0;
      if (hasTable(st, "hfj_resource")) {
        try (ResultSet rs =
            st.executeQuery(
                "SELECT res_type, count(*) FROM hfj_resource WHERE res_deleted_at IS NULL"
                    + " GROUP BY res_type")) {
          while (rs.next()) {
            resources.put(rs.getString(1), rs.getLong(2));
          }
        }
        versions = Long.parseLong(single(st, "SELECT count(*) FROM hfj_res_ver"));
      }
      return new DatabaseFacts(
          version,
          versionNum,
          OnlineCopy.sha256(columns.toString().getBytes(StandardCharsets.UTF_8)),
          tables,
          resources,
          versions);
    }
  }

  /** All live resources. */
  public long resourceCount() {
    return resources.values().stream().mapToLong(Long::longValue).sum();
  }

  private static boolean hasTable(Statement st, String table) throws SQLException {
    try (ResultSet rs =
        st.executeQuery(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'"
                + " AND table_name = '"
                + table
                + "'")) {
      return rs.next();
    }
  }

  private static String single(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
