package org.consentry.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.consentry.server.audit.AuditFixtures.DRSMITH;
import static org.consentry.server.audit.AuditFixtures.EHR;
import static org.consentry.server.audit.AuditFixtures.ISSUER;
import static org.consentry.server.audit.AuditFixtures.RITA;
import static org.consentry.server.audit.AuditFixtures.request;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import java.util.Map;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class BalpContextTest {

  private final BalpContext context = new BalpContext(ISSUER);

  @Test
  void resourceIds_areRelativeAndVersionless() {
    var request = request(RestOperationTypeEnum.READ, DRSMITH, "Observation/5", Map.of());
    Observation observation = new Observation();
    assertThat(
            context.massageResourceIdForStorage(
                request, observation, new IdType(AuditFixtures.BASE + "/Observation/5/_history/3")))
        .isEqualTo("Observation/5");
    assertThat(context.massageResourceIdForStorage(request, observation, new IdType("Patient/1")))
        .isEqualTo("Patient/1");
    assertThat(context.massageResourceIdForStorage(request, observation, new IdType("5")))
        .isEqualTo("Observation/5");
  }

  @Test
  void systemClient_isItsClientId() {
    var request = request(RestOperationTypeEnum.SEARCH_TYPE, EHR, "Observation", Map.of());
    Reference user = context.getAgentUserWho(request);
    assertThat(user.getIdentifier().getValue()).isEqualTo("ehr-system");
    assertThat(user.getDisplay()).isEqualTo("system client ehr-system");
    assertThat(context.getAgentClientWho(request).getIdentifier().getValue())
        .isEqualTo("ehr-system");
    assertThat(context.getNetworkAddress(request)).isEqualTo("10.0.0.5");
  }

  @Test
  void researcher_isTheStudy_neverTheAccount() {
    var request = request(RestOperationTypeEnum.SEARCH_TYPE, RITA, "Observation", Map.of());
    Reference user = context.getAgentUserWho(request);
    assertThat(user.getReference()).isEqualTo("ResearchStudy/s1");
    assertThat(user.hasIdentifier()).isFalse();
  }

  @Test
  void internalRequest_withoutRequester_isTheServer() {
    SystemRequestDetails internal = new SystemRequestDetails();
    assertThat(context.getAgentUserWho(internal).getDisplay()).isEqualTo("Consentry FHIR server");
    assertThat(context.getAgentClientWho(internal).getIdentifier().getValue())
        .isEqualTo("consentry-server");
    assertThat(context.getNetworkAddress(internal)).isEqualTo("localhost");
    assertThat(context.getNetworkAddressType(internal))
        .isEqualTo(BalpConstants.AUDIT_EVENT_AGENT_NETWORK_TYPE_MACHINE_NAME);
  }
}
