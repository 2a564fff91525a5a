package org.consentry.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.util.VersionUtil;
import javax.sql.DataSource;
import org.consentry.server.ServerIT;
import org.hibernate.dialect.PostgreSQLDialect;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

class SchemaStampIT extends ServerIT {

  @Autowired private DataSource dataSource;

  @Test
  void startOnNewDatabase_updatesSchemaThenRecordsStamp() {
    String stored =
        new JdbcTemplate(dataSource)
            .queryForObject(
                "SELECT stamp FROM " + SchemaStamp.TABLE + " WHERE name = 'hibernate'",
                String.class);

    assertThat(stored)
        .contains("HAPI FHIR " + VersionUtil.getVersion())
        .contains(HapiFhirPostgresDialect.class.getName());
  }

  @Test
  void sameBuild_skipsUpdate() {
    assertThat(SchemaStamp.forDialect(dataSource, HapiFhirPostgresDialect.class).schemaAction())
        .isEqualTo("none");
  }

  @Test
  void otherStamp_updates() {
    assertThat(SchemaStamp.forDialect(dataSource, PostgreSQLDialect.class).schemaAction())
        .isEqualTo("update");
  }
}
