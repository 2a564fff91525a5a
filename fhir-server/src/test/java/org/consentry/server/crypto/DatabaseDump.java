package org.consentry.server.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.consentry.server.TestDatabase;

/**
 * Every value of every table in the test database's public schema, plus PostgreSQL's large objects,
 * as text: bytea as UTF-8 and, when gzip-compressed (HAPI's compressed resource text),
 * decompressed. Searched for plaintext that must not be at rest.
 */
final class DatabaseDump {

  private DatabaseDump() {}

  /** "table: needle" for each needle found (case-insensitively) anywhere. */
  static List<String> find(Collection<String> needles) throws SQLException, IOException {
    List<String> lower = needles.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    TreeSet<String> hits = new TreeSet<>();
    try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), "postgres", "")) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = db.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_NAME"));
        }
      }
      for (String table : tables) {
        scan(db, table, "SELECT * FROM \"" + table + "\"", lower, hits);
      }
      scan(
          db,
          "pg_largeobject",
          "SELECT loid, string_agg(data, ''::bytea ORDER BY pageno) FROM pg_largeobject GROUP BY loid",
          lower,
          hits);
    }
    return List.copyOf(hits);
  }

  /** The current stored text of a resource (HFJ_RES_VER), as someone holding a dump reads it. */
  static String storedText(String type, String id) throws SQLException, IOException {
    try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), "postgres", "");
        var query =
            db.prepareStatement(
                "SELECT v.res_text_vc, v.res_text FROM hfj_res_ver v"
                    + " JOIN hfj_resource r ON r.res_id = v.res_id WHERE r.res_type = ? AND r.fhir_id = ?"
                    + " ORDER BY v.res_ver DESC LIMIT 1")) {
      query.setString(1, type);
      query.setString(2, id);
      try (ResultSet rs = query.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalArgumentException("not stored: " + type + "/" + id);
        }
        String text = rs.getString(1);
        return text != null ? text : text(rs, 2, Types.BINARY);
      }
    }
  }

  private static void scan(
      Connection db, String table, String sql, List<String> needles, TreeSet<String> hits)
      throws SQLException, IOException {
    try (Statement statement = db.createStatement()) {
      statement.setFetchSize(1000);
      db.setAutoCommit(false);
      try (ResultSet rs = statement.executeQuery(sql)) {
        ResultSetMetaData meta = rs.getMetaData();
        while (rs.next()) {
          for (int c = 1; c <= meta.getColumnCount(); c++) {
            String value = text(rs, c, meta.getColumnType(c)).toLowerCase(Locale.ROOT);
            for (String needle : needles) {
              int at = value.indexOf(needle);
              if (at >= 0) {
                hits.add(
                    table
                        + "."
                        + meta.getColumnName(c)
                        + ": "
                        + needle
                        + " in '"
                        + value.substring(Math.max(0, at - 80), Math.min(value.length(), at + 40))
                        + "'");
              }
            }
          }
        }
      } finally {
        db.setAutoCommit(true);
      }
    }
  }

  private static String text(ResultSet rs, int column, int type) throws SQLException, IOException {
    if (type == Types.BINARY
        || type == Types.VARBINARY
        || type == Types.LONGVARBINARY
        || type == Types.BLOB) {
      byte[] bytes = rs.getBytes(column);
      if (bytes == null) {
        return "";
      }
      if (bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.util.zip.ZipException notGzip) {
          // random bytes that start like gzip (an audit record's hash or mac): scanned as they are
        }
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
    String value = rs.getString(column);
    return value == null ? "" : value;
  }
}
