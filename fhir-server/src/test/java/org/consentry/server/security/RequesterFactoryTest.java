package org.consentry.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.consentry.consent.Requester;
import org.consentry.consent.Requester.Kind;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequesterFactoryTest {

  private static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

  private static JWTClaimsSet.Builder token(String scope) {
    return new JWTClaimsSet.Builder()
        .subject("sub-1")
        .claim("azp", "consentry-app")
        .claim("scope", scope);
  }

  @Nested
  class Kinds {

    @Test
    void patientClaim_makesAPatient_withBareIdAndDefaultPurpose() {
      Requester r =
          RequesterFactory.from(
              token("openid patient/*.read")
                  .claim("patient", "Patient/p1")
                  .claim("fhirUser", "Patient/p1")
                  .build(),
              null);
      assertThat(r.kind()).isEqualTo(Kind.PATIENT);
      assertThat(r.patientId()).isEqualTo("p1");
      assertThat(r.purposeOfUse()).isEqualTo("PATRQT");
      assertThat(r.scopes()).contains("patient/*.read").doesNotContain("");
    }

    @Test
    void practitioner_getsActorsFromFhirUserAndOrganization() {
      Requester r =
          RequesterFactory.from(
              token("user/*.read")
                  .claim("fhirUser", "Practitioner/7")
                  .claim("organization", "Organization/3")
                  .build(),
              null);
      assertThat(r.kind()).isEqualTo(Kind.PRACTITIONER);
      assertThat(r.actorReferences()).containsExactlyInAnyOrder("Practitioner/7", "Organization/3");
      assertThat(r.purposeOfUse()).isEqualTo("TREAT");
    }

    @Test
    void researcherRole_winsOverOtherClaims_andDefaultsToResearch() {
      Requester r =
          RequesterFactory.from(
              token("user/*.read")
                  .claim("fhirUser", "Practitioner/7")
                  .claim("realm_access", Map.of("roles", List.of("researcher")))
                  .build(),
              null);
      assertThat(r.kind()).isEqualTo(Kind.RESEARCHER);
      assertThat(r.purposeOfUse()).isEqualTo("HRESCH");
    }

    @Test
    void auditorRole_makesAnAuditor_actingForHealthcareOperations() {
      Requester r =
          RequesterFactory.from(
              token("openid user/*.read")
                  .claim("realm_access", Map.of("roles", List.of("auditor")))
                  .build(),
              null);
      assertThat(r.kind()).isEqualTo(Kind.AUDITOR);
      assertThat(r.purposeOfUse()).isEqualTo("HOPERAT");
      assertThat(r.patientId()).isNull();
      assertThat(r.actorReferences()).isEmpty();
    }

    @Test
    void auditorRole_winsOverEveryOtherClaim_soAnAuditorNeverActsAsPatientOrPractitioner() {
      Requester r =
          RequesterFactory.from(
              token("user/*.read patient/*.read system/*.read")
                  .claim("patient", "Patient/p1")
                  .claim("fhirUser", "Practitioner/7")
                  .claim("realm_access", Map.of("roles", List.of("researcher", "auditor")))
                  .build(),
              null);
      assertThat(r.kind()).isEqualTo(Kind.AUDITOR);
      assertThat(r.purposeOfUse()).isEqualTo("HOPERAT");
    }

    @Test
    void clientWithSystemScopes_isASystem() {
      Requester r =
          RequesterFactory.from(token("system/*.*").claim("azp", "ehr-system").build(), null);
      assertThat(r.kind()).isEqualTo(Kind.SYSTEM);
      assertThat(r.purposeOfUse()).isEqualTo("TREAT");
    }

    @Test
    void tokenWithNoIdentity_isRefused403() {
      assertThatThrownBy(() -> RequesterFactory.from(token("openid profile").build(), null))
          .isInstanceOfSatisfying(
              RequesterFactory.RequesterException.class, e -> assertThat(e.status()).isEqualTo(403))
          .hasMessageContaining("identifies no requester");
    }

    @Test
    void malformedFhirUser_isRefused() {
      assertThatThrownBy(
              () ->
                  RequesterFactory.from(
                      token("user/*.read").claim("fhirUser", "not a reference").build(), null))
          .isInstanceOf(RequesterFactory.RequesterException.class);
    }
  }

  /**
   * Which purpose a request acts for. Columns: the kind of requester; the X-Purpose-Of-Use header;
   * the token's realm roles (space-separated); its purpose_of_use claim (a string, or {@code [A B]}
   * for a JSON array); the purpose acted for, or the HTTP status of the refusal.
   */
  @Nested
  class Purposes {

    @ParameterizedTest(name = "{0}, header {1}, roles [{2}], claim {3} -> {4}")
    @CsvSource(
        delimiter = ';',
        nullValues = "-",
        textBlock =
            """
				# no header: the kind's default, whatever the token grants
				patient;      -;       -;                            -;              PATRQT
				practitioner; -;       -;                            -;              TREAT
				practitioner; -;       purpose:ETREAT;               ETREAT;         TREAT
				system;       -;       purpose:HPAYMT;               -;              TREAT
				researcher;   -;       -;                            -;              HRESCH
				# the kind's default may always be named
				patient;      PATRQT;  -;                            -;              PATRQT
				practitioner; TREAT;   -;                            -;              TREAT
				system;       TREAT;   -;                            -;              TREAT
				researcher;   HRESCH;  -;                            -;              HRESCH
				# a header alone grants nothing
				practitioner; ETREAT;  -;                            -;              403
				practitioner; HPAYMT;  -;                            -;              403
				practitioner; HOPERAT; -;                            -;              403
				system;       HPAYMT;  -;                            -;              403
				system;       HOPERAT; -;                            -;              403
				patient;      TREAT;   -;                            -;              403
				# granted by a realm role purpose:CODE
				practitioner; ETREAT;  purpose:ETREAT;               -;              ETREAT
				practitioner; ETREAT;  practitioner purpose:ETREAT;  -;              ETREAT
				system;       HPAYMT;  purpose:HPAYMT;               -;              HPAYMT
				system;       HOPERAT; purpose:HPAYMT purpose:HOPERAT; -;            HOPERAT
				# granted by the purpose_of_use claim, a string or an array
				practitioner; ETREAT;  -;                            ETREAT;         ETREAT
				practitioner; HOPERAT; -;                            HPAYMT HOPERAT; HOPERAT
				system;       HPAYMT;  -;                            [HOPERAT HPAYMT]; HPAYMT
				system;       HPAYMT;  -;                            [%1$s|HPAYMT];  HPAYMT
				# one grant does not open another, nor does a broader or a look-alike role
				system;       HOPERAT; purpose:HPAYMT;               -;              403
				practitioner; HPAYMT;  purpose:ETREAT;               -;              403
				practitioner; ETREAT;  purpose:TREAT;                -;              403
				practitioner; ETREAT;  ETREAT;                       -;              403
				practitioner; ETREAT;  purpose:etreat;               -;              403
				practitioner; ETREAT;  -;                            [];             403
				# emergency access is for practitioners only, research is all a researcher does
				system;       ETREAT;  purpose:ETREAT;               ETREAT;         403
				patient;      ETREAT;  purpose:ETREAT;               -;              403
				researcher;   TREAT;   purpose:TREAT;                -;              403
				researcher;   HPAYMT;  -;                            HPAYMT;         403
				# an auditor acts for healthcare operations, and only for that, whatever the token grants
				auditor;      -;       -;                            -;              HOPERAT
				auditor;      HOPERAT; -;                            -;              HOPERAT
				auditor;      %1$s|HOPERAT; -;                       -;              HOPERAT
				auditor;      TREAT;   -;                            -;              403
				auditor;      HRESCH;  -;                            -;              403
				auditor;      PATRQT;  -;                            -;              403
				auditor;      HPAYMT;  purpose:HPAYMT;               HPAYMT;         403
				auditor;      ETREAT;  purpose:ETREAT;               ETREAT;         403
				auditor;      NOPE;    -;                            -;              400
				# the system|code form, as FHIR writes a Coding
				system;       %1$s|HPAYMT; purpose:HPAYMT;           -;              HPAYMT
				system;       |HPAYMT; purpose:HPAYMT;               -;              HPAYMT
				practitioner; %1$s|ETREAT; -;                        -;              403
				# unknown codes and other code systems are malformed requests
				practitioner; NOPE;    purpose:NOPE;                 NOPE;           400
				practitioner; etreat;  purpose:ETREAT;               -;              400
				system;       http://example.org|TREAT; -;           -;              400
				""")
    void headerChoosesAmongGrantedPurposes(
        String kind, String header, String roles, String claim, String expected) {
      JWTClaimsSet.Builder claims = requester(kind, roles);
      if (claim != null) {
        claims.claim(
            "purpose_of_use",
            claim.startsWith("[")
                ? Arrays.stream(expand(claim.substring(1, claim.length() - 1)).split(" "))
                    .filter(c -> !c.isEmpty())
                    .toList()
                : expand(claim));
      }
      String sent = header == null ? null : expand(header);
      if (expected.matches("\\d{3}")) {
        assertThatThrownBy(() -> RequesterFactory.from(claims.build(), sent))
            .isInstanceOfSatisfying(
                RequesterFactory.RequesterException.class,
                e -> assertThat(e.status()).isEqualTo(Integer.parseInt(expected)));
      } else {
        assertThat(RequesterFactory.from(claims.build(), sent).purposeOfUse()).isEqualTo(expected);
      }
    }

    @Test
    void notGranted_saysWhichPurposeAndHowToGrantIt_forPractitioners() {
      assertThatThrownBy(
              () -> RequesterFactory.from(requester("practitioner", null).build(), "ETREAT"))
          .hasMessageContaining("ETREAT is not granted")
          .hasMessageContaining("realm role purpose:ETREAT")
          .hasMessageContaining(
              "./consentry user add-practitioner USER Practitioner/ID --purpose ETREAT");
    }

    @Test
    void notGranted_saysWhichPurposeAndHowToGrantIt_forTheEhrClient() {
      assertThatThrownBy(
              () -> RequesterFactory.from(requester("system", "purpose:HOPERAT").build(), "HPAYMT"))
          .hasMessageContaining("HPAYMT is not granted")
          .hasMessageContaining("granted: HOPERAT, TREAT")
          .hasMessageContaining("./consentry keycloak ehr-purpose HPAYMT");
    }

    @Test
    void anAuditorAskingAnotherPurpose_isToldItActsForHealthcareOperationsOnly() {
      assertThatThrownBy(() -> RequesterFactory.from(requester("auditor", null).build(), "TREAT"))
          .isInstanceOfSatisfying(
              RequesterFactory.RequesterException.class, e -> assertThat(e.status()).isEqualTo(403))
          .hasMessage("an auditor acts for healthcare operations (HOPERAT) only, not TREAT");
    }

    @Test
    void purposeClaimOfAnotherType_isRefused() {
      assertThatThrownBy(
              () ->
                  RequesterFactory.from(
                      requester("system", null).claim("purpose_of_use", 42).build(), null))
          .isInstanceOfSatisfying(
              RequesterFactory.RequesterException.class, e -> assertThat(e.status()).isEqualTo(403))
          .hasMessageContaining("purpose_of_use");
    }

    private static JWTClaimsSet.Builder requester(String kind, String roles) {
      JWTClaimsSet.Builder claims =
          switch (kind) {
            case "patient" -> token("patient/*.read").claim("patient", "p1");
            case "practitioner" -> token("user/*.read").claim("fhirUser", "Practitioner/7");
            case "researcher", "auditor" -> token("user/*.read");
            case "system" -> token("system/*.*").claim("azp", "ehr-system");
            default -> throw new IllegalArgumentException(kind);
          };
      List<String> realmRoles =
          new java.util.ArrayList<>(roles == null ? List.of() : List.of(roles.split(" ")));
      if (kind.equals("researcher") || kind.equals("auditor")) {
        realmRoles.add(kind);
      }
      return claims.claim("realm_access", Map.of("roles", realmRoles));
    }

    private static String expand(String value) {
      return value.formatted(ACT_REASON);
    }
  }
}
