package org.consentry.server.consent;

/** Consent resources as a patient app would send them. */
public final class ConsentJson {

  private ConsentJson() {}

  private static String consent(String patient, String scope, String provision) {
    return """
				{"resourceType":"Consent","status":"active",
				 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"%s"}]},
				 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
				 "patient":{"reference":"Patient/%s"},"dateTime":"2026-01-01T00:00:00Z",
				 "provision":%s}"""
        .formatted(scope, patient, provision);
  }

  /** The patient denies one actor (an Organization, Practitioner, CareTeam...) everything. */
  public static String denyActor(String patient, String actor) {
    return consent(
        patient,
        "patient-privacy",
        """
				{"type":"deny","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
				 "reference":{"reference":"%s"}}]}"""
            .formatted(actor));
  }

  /**
   * The patient denies one actor everything except resources of one type (a nested permit by
   * class).
   */
  static String denyActorExceptType(String patient, String actor, String type) {
    return consent(
        patient,
        "patient-privacy",
        """
				{"type":"permit","provision":[{"type":"deny",
				  "actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
				    "reference":{"reference":"%s"}}],
				  "provision":[{"type":"permit","class":[{"system":"http://hl7.org/fhir/resource-types","code":"%s"}]}]}]}"""
            .formatted(actor, type));
  }

  /**
   * Everything permitted, except mental-health-labelled data, which only one practitioner may see.
   */
  static String mentalHealthOnlyFor(String patient, String practitioner) {
    return consent(
        patient,
        "patient-privacy",
        """
				{"type":"permit","provision":[{"type":"deny",
				  "securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"PSY"}],
				  "provision":[{"type":"permit","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
				    "reference":{"reference":"%s"}}]}]}]}"""
            .formatted(practitioner));
  }

  /** The patient takes part in research. */
  static String permitResearch(String patient) {
    return consent(
        patient,
        "research",
        """
				{"type":"permit","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HRESCH"}]}""");
  }

  /** No emergency access, ever. */
  static String denyEmergency(String patient) {
    return consent(
        patient,
        "patient-privacy",
        """
				{"type":"deny","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"ETREAT"}]}""");
  }
}
