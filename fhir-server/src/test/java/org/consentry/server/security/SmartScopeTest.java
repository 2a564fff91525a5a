package org.consentry.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.consentry.server.security.GrantedScopes.Reach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SmartScopeTest {

  @ParameterizedTest(name = "{0} -> {1} {2} {3}")
  @CsvSource({
    "patient/*.read,        PATIENT, *,           rs",
    "user/Observation.write, USER,   Observation, cud",
    "system/*.*,            SYSTEM,  *,           cruds",
    "patient/Observation.rs, PATIENT, Observation, rs",
    "user/*.cruds,          USER,    *,           cruds",
    "system/Patient.c,      SYSTEM,  Patient,     c",
    "user/Condition.ds,     USER,    Condition,   ds",
  })
  void parse_v1AndV2(String scope, SmartScope.Context context, String type, String letters) {
    SmartScope parsed = SmartScope.parse(scope).orElseThrow();
    assertThat(parsed.context()).isEqualTo(context);
    assertThat(parsed.resourceType()).isEqualTo(type);
    Set<Interaction> expected = EnumSet.noneOf(Interaction.class);
    letters.chars().forEach(c -> expected.add(Interaction.ofLetter((char) c)));
    assertThat(parsed.interactions()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "openid",
        "profile",
        "launch/patient",
        "patient/Observation.rs?category=laboratory",
        "patient/*.sr",
        "patient/*.rr",
        "patient/*.x",
        "admin/*.read",
        "patient/observation.read",
        "patient/*.",
        "user/*.readwrite"
      })
  void parse_notAResourceScope_grantsNothing(String scope) {
    assertThat(SmartScope.parse(scope)).isEmpty();
  }

  @Test
  void reach_userScopeBeatsPatientScope() {
    GrantedScopes scopes = GrantedScopes.of(List.of("patient/*.read", "user/Observation.rs"));
    assertThat(scopes.reach("Observation", Interaction.READ)).isEqualTo(Reach.ANY);
    assertThat(scopes.reach("Condition", Interaction.READ)).isEqualTo(Reach.PATIENT_COMPARTMENT);
    assertThat(scopes.reach("Condition", Interaction.CREATE)).isEqualTo(Reach.NONE);
  }

  @Test
  void reach_typeSpecificScope_coversOnlyThatType() {
    GrantedScopes scopes = GrantedScopes.of(List.of("system/Observation.rs"));
    assertThat(scopes.reach("Observation", Interaction.SEARCH)).isEqualTo(Reach.ANY);
    assertThat(scopes.reach("Patient", Interaction.SEARCH)).isEqualTo(Reach.NONE);
    assertThat(scopes.reach("*", Interaction.SEARCH))
        .as("all types need a wildcard scope")
        .isEqualTo(Reach.NONE);
    assertThat(scopes.reach("Observation", Interaction.UPDATE)).isEqualTo(Reach.NONE);
  }
}
