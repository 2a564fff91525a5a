package org.consentry.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NotInOnJoinedIndexTest {

  /** HAPI 8.8's SQL for {@code Observation?code=X&_summary=count} under a consent view. */
  private static final String CODE_COUNT =
      "SELECT COUNT(DISTINCT t1.RES_ID) FROM HFJ_RESOURCE t1 INNER JOIN HFJ_SPIDX_TOKEN t0 ON"
          + " (t1.RES_ID = t0.RES_ID) WHERE ((t0.HASH_SYS_AND_VALUE = ?) AND ((t1.RES_ID) NOT IN"
          + " (SELECT t0.RES_ID FROM HFJ_SPIDX_TOKEN t0 WHERE (t0.HASH_VALUE IN (?,?) )) ) AND"
          + " ((t1.RES_ID) NOT IN (SELECT t0.RES_ID FROM HFJ_SPIDX_TOKEN t0 WHERE"
          + " (t0.HASH_SYS_AND_VALUE IN (?) )) ))";

  @Nested
  class Rewrites {

    @Test
    void aCodeCount_excludesOnTheTokenRows() {
      assertThat(NotInOnJoinedIndex.rewrite(CODE_COUNT))
          .isEqualTo(
              "SELECT COUNT(DISTINCT t1.RES_ID) FROM HFJ_RESOURCE t1 INNER JOIN HFJ_SPIDX_TOKEN t0"
                  + " ON (t1.RES_ID = t0.RES_ID) WHERE ((t0.HASH_SYS_AND_VALUE = ?) AND"
                  + " ((t0.RES_ID) NOT IN (SELECT t0.RES_ID FROM HFJ_SPIDX_TOKEN t0 WHERE"
                  + " (t0.HASH_VALUE IN (?,?) )) ) AND ((t0.RES_ID) NOT IN (SELECT t0.RES_ID FROM"
                  + " HFJ_SPIDX_TOKEN t0 WHERE (t0.HASH_SYS_AND_VALUE IN (?) )) ))");
    }

    @Test
    void aSearchByPatient_excludesOnTheLinkRowsSource() {
      String sql =
          "SELECT t1.RES_ID FROM HFJ_RESOURCE t1 INNER JOIN HFJ_RES_LINK t0 ON (t1.RES_ID ="
              + " t0.SRC_RESOURCE_ID) WHERE (((t0.SRC_PATH = ?) AND (t0.TARGET_RESOURCE_ID = ?))"
              + " AND ((t1.RES_ID) NOT IN (SELECT t0.RES_ID FROM HFJ_SPIDX_TOKEN t0 WHERE"
              + " (t0.HASH_SYS_AND_VALUE = ?)) )) fetch first ? rows only";
      assertThat(NotInOnJoinedIndex.rewrite(sql))
          .contains("AND ((t0.SRC_RESOURCE_ID) NOT IN (SELECT t0.RES_ID FROM HFJ_SPIDX_TOKEN t0")
          .doesNotContain("(t1.RES_ID) NOT IN");
    }

    @Test
    void aSortedSearch_keepsItsOuterJoinAndOrder() {
      String sql =
          "SELECT t1.RES_ID FROM HFJ_RESOURCE t1 INNER JOIN HFJ_SPIDX_TOKEN t0 ON (t1.RES_ID ="
              + " t0.RES_ID) LEFT OUTER JOIN HFJ_SPIDX_DATE t2 ON ((t1.RES_ID = t2.RES_ID) AND"
              + " (t2.HASH_IDENTITY = ?)) WHERE ((t0.HASH_SYS_AND_VALUE = ?) AND ((t1.RES_ID) NOT"
              + " IN (SELECT t0.RES_ID FROM HFJ_SPIDX_TOKEN t0 WHERE (t0.HASH_VALUE IN (?) )) ))"
              + " ORDER BY t2.SP_VALUE_LOW DESC NULLS LAST fetch first ? rows only";
      assertThat(NotInOnJoinedIndex.rewrite(sql))
          .isEqualTo(sql.replace("((t1.RES_ID) NOT IN", "((t0.RES_ID) NOT IN"));
    }

    @Test
    void aSubquerysOwnExclusion_isLeftInItsSubquery() {
      // the inner t1 is another table than the outer t1: only the outer condition moves
      String sql =
          "SELECT t1.RES_ID FROM HFJ_RESOURCE t1 INNER JOIN HFJ_SPIDX_TOKEN t0 ON (t1.RES_ID ="
              + " t0.RES_ID) WHERE ((t0.HASH_VALUE = ?) AND (t1.RES_ID IN (SELECT t1.RES_ID FROM"
              + " HFJ_RESOURCE t1 INNER JOIN HFJ_RES_LINK t0 ON (t1.RES_ID = t0.TARGET_RESOURCE_ID)"
              + " WHERE ((t0.SRC_PATH = ?) AND ((t1.RES_ID) NOT IN (SELECT t0.RES_ID FROM"
              + " HFJ_SPIDX_TOKEN t0 WHERE (t0.HASH_VALUE = ?)) ))) ) AND ((t1.RES_ID) NOT IN"
              + " (SELECT t0.RES_ID FROM HFJ_SPIDX_TOKEN t0 WHERE (t0.HASH_VALUE = ?)) ))";
      String outer =
          "))) ) AND ((t1.RES_ID) NOT IN (SELECT t0.RES_ID FROM HFJ_SPIDX_TOKEN t0 WHERE"
              + " (t0.HASH_VALUE = ?)) ))";
      String rewritten = NotInOnJoinedIndex.rewrite(sql);
      assertThat(rewritten)
          .isEqualTo(sql.replace(outer, outer.replace("(t1.RES_ID) NOT IN", "(t0.RES_ID) NOT IN")));
      assertThat(rewritten).contains("AND ((t1.RES_ID) NOT IN (SELECT t0.RES_ID");
    }
  }

  @Nested
  class LeavesAlone {

    @ParameterizedTest
    @ValueSource(
        strings = {
          // rooted at the resource table with no join: nothing to move to
          "SELECT COUNT(DISTINCT t0.RES_ID) FROM HFJ_RESOURCE t0 WHERE (((t0.RES_TYPE = ?) AND"
              + " (t0.RES_DELETED_AT IS NULL)) AND ((t0.RES_ID) NOT IN (SELECT t0.RES_ID FROM"
              + " HFJ_SPIDX_TOKEN t0 WHERE (t0.HASH_VALUE IN (?) )) ))",
          // the first join is an outer join: its column may be null
          "SELECT t1.RES_ID FROM HFJ_RESOURCE t1 LEFT OUTER JOIN HFJ_SPIDX_DATE t0 ON (t1.RES_ID ="
              + " t0.RES_ID) WHERE ((t1.RES_ID) NOT IN (SELECT t0.RES_ID FROM HFJ_SPIDX_TOKEN t0"
              + " WHERE (t0.HASH_VALUE = ?)) )",
          // joined on another column than the resource's id
          "SELECT t1.RES_ID FROM HFJ_RESOURCE t1 INNER JOIN HFJ_RES_LINK t0 ON (t1.RES_ID ="
              + " t0.TARGET_RESOURCE_ID) WHERE ((t1.RES_ID) NOT IN (SELECT t0.RES_ID FROM"
              + " HFJ_SPIDX_TOKEN t0 WHERE (t0.HASH_VALUE = ?)) )",
          // partitioned joins
          "SELECT t1.RES_ID FROM HFJ_RESOURCE t1 INNER JOIN HFJ_SPIDX_TOKEN t0 ON"
              + " ((t1.PARTITION_ID = t0.PARTITION_ID) AND (t1.RES_ID = t0.RES_ID)) WHERE"
              + " ((t1.RES_ID) NOT IN (SELECT t0.RES_ID FROM HFJ_SPIDX_TOKEN t0 WHERE"
              + " (t0.HASH_VALUE = ?)) )",
          // a quoted literal could hold parentheses
          "SELECT t1.RES_ID FROM HFJ_RESOURCE t1 INNER JOIN HFJ_SPIDX_TOKEN t0 ON (t1.RES_ID ="
              + " t0.RES_ID) WHERE ((t0.SP_VALUE = ')') AND ((t1.RES_ID) NOT IN (SELECT t0.RES_ID"
              + " FROM HFJ_SPIDX_TOKEN t0 WHERE (t0.HASH_VALUE = ?)) ))",
          // unbalanced: not HAPI's
          "SELECT t1.RES_ID FROM HFJ_RESOURCE t1 INNER JOIN HFJ_SPIDX_TOKEN t0 ON (t1.RES_ID ="
              + " t0.RES_ID) WHERE ((t1.RES_ID) NOT IN (SELECT t0.RES_ID FROM HFJ_SPIDX_TOKEN t0",
          // other statements
          "select res_id from hfj_spidx_token where hash_value not in (select 1)",
          "insert into HFJ_SEARCH (CREATED) values (?)"
        })
    void otherShapes_passUnchanged(String sql) {
      assertThat(NotInOnJoinedIndex.rewrite(sql)).isSameAs(sql);
    }

    @Test
    void theInspector_countsOnlyWhatItRewrote() {
      NotInOnJoinedIndex inspector = new NotInOnJoinedIndex();
      inspector.inspect("insert into HFJ_SEARCH (CREATED) values (?)");
      assertThat(inspector.rewritten()).isZero();
      inspector.inspect(CODE_COUNT);
      assertThat(inspector.rewritten()).isEqualTo(1);
    }
  }

  /**
   * On a real PostgreSQL with random resources, index rows (several per resource) and exclusions,
   * the rewritten queries give the same answers as HAPI's.
   */
  @Test
  void onRandomData_theRewrittenQueriesAnswerTheSame(@TempDir Path dataDir) throws Exception {
    Random random = new Random(11);
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir);
        Connection c = DriverManager.getConnection(db.jdbcUrl());
        Statement s = c.createStatement()) {
      s.execute(
          "create table HFJ_RESOURCE (RES_ID bigint primary key);"
              + " create table HFJ_SPIDX_TOKEN (RES_ID bigint, HASH_VALUE bigint,"
              + " HASH_SYS_AND_VALUE bigint);"
              + " create table HFJ_RES_LINK (SRC_RESOURCE_ID bigint, TARGET_RESOURCE_ID bigint)");
      try (PreparedStatement resource = c.prepareStatement("insert into HFJ_RESOURCE values (?)");
          PreparedStatement token =
              c.prepareStatement("insert into HFJ_SPIDX_TOKEN values (?, ?, ?)");
          PreparedStatement link = c.prepareStatement("insert into HFJ_RES_LINK values (?, ?)")) {
        for (long id = 1; id <= 2000; id++) {
          resource.setLong(1, id);
          resource.addBatch();
          for (int n = random.nextInt(4); n > 0; n--) {
            token.setLong(1, id);
            token.setLong(2, random.nextInt(30));
            token.setLong(3, random.nextInt(30));
            token.addBatch();
          }
          for (int n = random.nextInt(3); n > 0; n--) {
            link.setLong(1, id);
            link.setLong(2, random.nextInt(20));
            link.addBatch();
          }
        }
        resource.executeBatch();
        token.executeBatch();
        link.executeBatch();
      }
      List<String> queries = new ArrayList<>();
      for (int round = 0; round < 40; round++) {
        String hidden = values(random, 1 + random.nextInt(6));
        String labels = values(random, 1 + random.nextInt(6));
        String code = String.valueOf(random.nextInt(30));
        String target = String.valueOf(random.nextInt(20));
        String exclusions =
            " AND ((t1.RES_ID) NOT IN (SELECT t0.RES_ID FROM HFJ_SPIDX_TOKEN t0 WHERE"
                + " (t0.HASH_VALUE IN ("
                + hidden
                + ") )) ) AND ((t1.RES_ID) NOT IN (SELECT t0.RES_ID FROM HFJ_SPIDX_TOKEN t0"
                + " WHERE (t0.HASH_SYS_AND_VALUE IN ("
                + labels
                + ") )) ))";
        queries.add(
            "SELECT COUNT(DISTINCT t1.RES_ID) FROM HFJ_RESOURCE t1 INNER JOIN HFJ_SPIDX_TOKEN t0"
                + " ON (t1.RES_ID = t0.RES_ID) WHERE ((t0.HASH_SYS_AND_VALUE = "
                + code
                + ")"
                + exclusions);
        queries.add(
            "SELECT t1.RES_ID FROM HFJ_RESOURCE t1 INNER JOIN HFJ_RES_LINK t0 ON (t1.RES_ID ="
                + " t0.SRC_RESOURCE_ID) WHERE ((t0.TARGET_RESOURCE_ID = "
                + target
                + ")"
                + exclusions
                + " ORDER BY t1.RES_ID");
      }
      int changed = 0;
      int excluding = 0;
      for (String query : queries) {
        String rewritten = NotInOnJoinedIndex.rewrite(query);
        if (!rewritten.equals(query)) {
          changed++;
        }
        List<Long> answer = rows(s, query);
        assertThat(rows(s, rewritten)).as(query).isEqualTo(answer);
        String unexcluded = query.replaceAll(" AND \\(\\(t1\\.RES_ID\\) NOT IN .*$", ")");
        if (query.startsWith("SELECT COUNT") && !rows(s, unexcluded).equals(answer)) {
          excluding++;
        }
      }
      assertThat(changed).isEqualTo(queries.size());
      assertThat(excluding).as("counts that the exclusions made smaller").isPositive();
    }
  }

  private static String values(Random random, int count) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(String.valueOf(random.nextInt(30)));
    }
    return String.join(",", values);
  }

  private static List<Long> rows(Statement s, String sql) throws Exception {
    List<Long> rows = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getLong(1));
      }
    }
    return rows;
  }
}
