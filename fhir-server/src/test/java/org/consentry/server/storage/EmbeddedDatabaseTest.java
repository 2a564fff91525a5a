package org.consentry.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {

  @TempDir Path dataDir;

  @Test
  void data_survivesARestart() throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir);
        Connection c = DriverManager.getConnection(db.jdbcUrl())) {
      c.createStatement()
          .execute("create table kept(v text); insert into kept values ('still here')");
    }

    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir);
        Connection c = DriverManager.getConnection(db.jdbcUrl());
        ResultSet rs = c.createStatement().executeQuery("select v from kept")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("still here");
    }
  }

  @Test
  void secondServerOnTheSameFolder_failsWithAMessage() throws Exception {
    try (EmbeddedDatabase first = EmbeddedDatabase.start(dataDir)) {
      assertThatThrownBy(() -> EmbeddedDatabase.start(dataDir))
          .hasMessageContaining(dataDir.toString())
          .hasMessageContaining("another Consentry server");
    }
  }
}
