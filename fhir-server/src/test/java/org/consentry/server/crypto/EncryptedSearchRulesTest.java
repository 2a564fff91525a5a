package org.consentry.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.TokenParamModifier;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import org.consentry.crypto.HmacSha256BlindIndex;
import org.junit.jupiter.api.Test;

class EncryptedSearchRulesTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private final BlindIndexTokens tokens =
      new BlindIndexTokens(HmacSha256BlindIndex.fromSecret(new byte[32]));
  private final EncryptedSearchRules rules = new EncryptedSearchRules(tokens, FHIR);

  private static ICachedSearchDetails search(String type) {
    return new ICachedSearchDetails() {
      public String getResourceType() {
        return type;
      }

      public String getUuid() {
        return "u";
      }

      public void setUuid(String uuid) {}

      public void setCannotBeReused() {}
    };
  }

  @Test
  void identifierAndFamily_becomeTokens_noPlaintextLeft() {
    SearchParameterMap map = new SearchParameterMap();
    map.add("identifier", new TokenParam("http://hl7.org/fhir/sid/us-ssn", "999-41-3819"));
    map.add("family", new StringParam("Smith"));

    rules.rewrite(search("Patient"), map, null);

    String query = map.toNormalizedQueryString(FHIR);
    assertThat(map.keySet()).containsExactly("identifier");
    assertThat(query)
        .doesNotContain("999-41-3819", "Smith")
        .contains(
            tokens.token(BlindIndexTokens.IDENTIFIER, "http://hl7.org/fhir/sid/us-ssn|999-41-3819"))
        .contains(tokens.token(BlindIndexTokens.FAMILY, "smith"));
  }

  @Test
  void unsupportedSearches_are400_withTheReason() {
    SearchParameterMap contains = new SearchParameterMap();
    contains.add("name", new StringParam("Fra").setContains(true));
    SearchParameterMap address = new SearchParameterMap();
    address.add("address", new StringParam("Quincy"));
    SearchParameterMap sort = new SearchParameterMap();
    sort.setSort(new SortSpec("family"));
    SearchParameterMap valueString = new SearchParameterMap();
    valueString.add("value-string", new StringParam("x"));

    for (var map : new SearchParameterMap[] {contains, address, sort}) {
      assertThatThrownBy(() -> rules.rewrite(search("Patient"), map, null))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("encrypt");
    }
    assertThatThrownBy(() -> rules.rewrite(search("Observation"), valueString, null))
        .isInstanceOf(InvalidRequestException.class);
    SearchParameterMap other = new SearchParameterMap();
    other.add("name", new StringParam("Acme"));
    rules.rewrite(search("Organization"), other, null);
    assertThat(other.keySet()).containsExactly("name");
  }

  @Test
  void aSearchWithNothingToRewrite_isLeftAsIs_andEverySearchThatChanges_isOneThatRewrites() {
    SearchParameterMap view = new SearchParameterMap();
    view.add("patient", new ReferenceParam("Patient/1"));
    TokenOrListParam hidden = new TokenOrListParam();
    for (int i = 0; i < 300; i++) {
      hidden.add(new TokenParam(null, "p" + i).setModifier(TokenParamModifier.NOT));
    }
    view.add("owner", hidden);
    SearchParameterMap identifier = new SearchParameterMap();
    identifier.add("identifier", new TokenParam("http://hl7.org/fhir/sid/us-ssn", "999-41-3819"));
    SearchParameterMap given = new SearchParameterMap();
    given.add("given", new StringParam("Ann"));
    SearchParameterMap chain = new SearchParameterMap();
    chain.add("subject", new ReferenceParam("Patient", "family", "Smith"));
    SearchParameterMap plainChain = new SearchParameterMap();
    plainChain.add("subject", new ReferenceParam("Patient", "birthdate", "2000"));

    assertThat(EncryptedSearchRules.rewrites("Observation", view)).isFalse();
    assertThat(EncryptedSearchRules.rewrites("Patient", identifier)).isTrue();
    assertThat(EncryptedSearchRules.rewrites("Patient", given)).isTrue();
    assertThat(EncryptedSearchRules.rewrites("Observation", chain)).isTrue();
    for (String type : new String[] {"Observation", "Patient"}) {
      for (SearchParameterMap map :
          new SearchParameterMap[] {view, identifier, given, chain, plainChain}) {
        String before = map.toNormalizedQueryString(FHIR);
        boolean predicted = EncryptedSearchRules.rewrites(type, map);
        rules.rewrite(search(type), map, null);
        if (!predicted) {
          assertThat(map.toNormalizedQueryString(FHIR)).as(type + " " + before).isEqualTo(before);
        }
      }
    }
  }
}
