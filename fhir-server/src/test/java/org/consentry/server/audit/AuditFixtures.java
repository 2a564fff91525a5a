package org.consentry.server.audit;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.crypto.HmacSha256BlindIndex;
import org.springframework.mock.web.MockHttpServletRequest;

/** Requesters and mocked HAPI requests shared by the audit tests. */
final class AuditFixtures {

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final String BASE = "http://localhost:8080/fhir";
  static final String ISSUER = "http://127.0.0.1:8180/realms/consentry";
  static final HmacSha256BlindIndex INDEX = HmacSha256BlindIndex.fromSecret(new byte[32]);

  static final Requester DRSMITH =
      new Requester(
          Requester.Kind.PRACTITIONER,
          "sub-drsmith",
          null,
          "Practitioner/7",
          "Organization/3",
          Set.of("Practitioner/7", "Organization/3"),
          Set.of("user/*.read"),
          "TREAT",
          "ehr-app");
  static final Requester DRSMITH_EMERGENCY =
      new Requester(
          Requester.Kind.PRACTITIONER,
          "sub-drsmith",
          null,
          "Practitioner/7",
          "Organization/3",
          Set.of("Practitioner/7", "Organization/3"),
          Set.of("user/*.read"),
          "ETREAT",
          "ehr-app");
  static final Requester ALICE =
      new Requester(
          Requester.Kind.PATIENT,
          "sub-alice",
          "1",
          null,
          null,
          Set.of("Patient/1"),
          Set.of("patient/*.read"),
          "PATRQT",
          "patient-app");
  static final Requester EHR =
      new Requester(
          Requester.Kind.SYSTEM,
          "ehr-system",
          null,
          null,
          null,
          Set.of(),
          Set.of("system/*.read"),
          "TREAT",
          "ehr-system");
  static final Requester RITA =
      new Requester(
          Requester.Kind.RESEARCHER,
          "sub-rita",
          null,
          "Practitioner/9",
          "Organization/4",
          Set.of("Practitioner/9", "ResearchStudy/s1"),
          Set.of("system/*.read"),
          "HRESCH",
          "research-app");

  private AuditFixtures() {}

  /** A REST request of {@code requester} (none: no requester attribute) from 10.0.0.5. */
  static ServletRequestDetails request(
      RestOperationTypeEnum operation,
      Requester requester,
      String path,
      Map<String, String[]> parameters) {
    ServletRequestDetails request = mock(ServletRequestDetails.class);
    MockHttpServletRequest http = new MockHttpServletRequest();
    http.setRemoteAddr("10.0.0.5");
    if (requester != null) {
      http.setAttribute(Requester.class.getName(), requester);
    }
    StringBuilder query = new StringBuilder();
    parameters.forEach(
        (name, values) -> {
          for (String value : values) {
            query.append(query.isEmpty() ? "?" : "&").append(name).append('=').append(value);
          }
        });
    when(request.getServletRequest()).thenReturn(http);
    when(request.getRestOperationType()).thenReturn(operation);
    when(request.getFhirContext()).thenReturn(FHIR);
    when(request.getFhirServerBase()).thenReturn(BASE);
    when(request.getRequestId()).thenReturn("req-1");
    when(request.getRequestType()).thenReturn(RequestTypeEnum.GET);
    when(request.getCompleteUrl()).thenReturn(BASE + "/" + path + query);
    when(request.getRequestPath()).thenReturn(path);
    when(request.getParameters()).thenReturn(parameters);
    when(request.getUserData()).thenReturn(new HashMap<>());
    return request;
  }
}
