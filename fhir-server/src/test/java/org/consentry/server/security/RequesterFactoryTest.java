package org.consentry.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.List;
import java.util.Map;
import org.consentry.consent.Requester;
import org.consentry.consent.Requester.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequesterFactoryTest {

	private static JWTClaimsSet.Builder token(String scope) {
		return new JWTClaimsSet.Builder().subject("sub-1").claim("azp", "consentry-app").claim("scope", scope);
	}

	@Test
	void patientClaim_makesAPatient_withBareIdAndDefaultPurpose() {
		Requester r = RequesterFactory.from(token("openid patient/*.read").claim("patient", "Patient/p1")
				.claim("fhirUser", "Patient/p1").build(), null);
		assertThat(r.kind()).isEqualTo(Kind.PATIENT);
		assertThat(r.patientId()).isEqualTo("p1");
		assertThat(r.purposeOfUse()).isEqualTo("PATRQT");
		assertThat(r.scopes()).contains("patient/*.read").doesNotContain("");
	}

	@Test
	void practitioner_getsActorsFromFhirUserAndOrganization() {
		Requester r = RequesterFactory.from(token("user/*.read").claim("fhirUser", "Practitioner/7")
				.claim("organization", "Organization/3").build(), "ETREAT");
		assertThat(r.kind()).isEqualTo(Kind.PRACTITIONER);
		assertThat(r.actorReferences()).containsExactlyInAnyOrder("Practitioner/7", "Organization/3");
		assertThat(r.purposeOfUse()).isEqualTo("ETREAT");
	}

	@Test
	void researcherRole_winsOverOtherClaims_andDefaultsToResearch() {
		Requester r = RequesterFactory.from(token("user/*.read").claim("fhirUser", "Practitioner/7")
				.claim("realm_access", Map.of("roles", List.of("researcher"))).build(), null);
		assertThat(r.kind()).isEqualTo(Kind.RESEARCHER);
		assertThat(r.purposeOfUse()).isEqualTo("HRESCH");
	}

	@Test
	void clientWithSystemScopes_isASystem() {
		Requester r = RequesterFactory.from(token("system/*.*").claim("azp", "ehr-system").build(),
				"http://terminology.hl7.org/CodeSystem/v3-ActReason|HPAYMT");
		assertThat(r.kind()).isEqualTo(Kind.SYSTEM);
		assertThat(r.purposeOfUse()).isEqualTo("HPAYMT");
	}

	@Test
	void tokenWithNoIdentity_isRefused403() {
		assertThatThrownBy(() -> RequesterFactory.from(token("openid profile").build(), null))
				.isInstanceOfSatisfying(RequesterFactory.RequesterException.class, e -> assertThat(e.status()).isEqualTo(403))
				.hasMessageContaining("identifies no requester");
	}

	@ParameterizedTest(name = "{0} as {1} -> {2}")
	@CsvSource({
		"NOPE,   patient, 400",
		"ETREAT, patient, 403",
		"ETREAT, system,  403",
		"TREAT,  researcher, 403",
		"http://example.org|TREAT, system, 400",
	})
	void purposeNotAllowed_isRefused(String purpose, String kind, int status) {
		JWTClaimsSet.Builder claims = switch (kind) {
			case "patient" -> token("patient/*.read").claim("patient", "p1");
			case "researcher" -> token("user/*.read").claim("realm_access", Map.of("roles", List.of("researcher")));
			default -> token("system/*.*");
		};
		assertThatThrownBy(() -> RequesterFactory.from(claims.build(), purpose))
				.isInstanceOfSatisfying(RequesterFactory.RequesterException.class, e -> assertThat(e.status()).isEqualTo(status));
	}

	@Test
	void malformedFhirUser_isRefused() {
		assertThatThrownBy(() -> RequesterFactory.from(token("user/*.read").claim("fhirUser", "not a reference").build(), null))
				.isInstanceOf(RequesterFactory.RequesterException.class);
	}
}
