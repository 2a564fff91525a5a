package org.consentry.cli.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class BundleRewriterTest {

  static ObjectNode bundle(String entries) throws Exception {
    return (ObjectNode)
        ResourceJson.parse(
            "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entries + "]}");
  }

  @Test
  void rewrite_postWithUrnUuidAndId_becomesPutByIdKeepingFullUrl() throws Exception {
    ObjectNode bundle =
        bundle(
            """
				{"fullUrl":"urn:uuid:5f1d","resource":{"resourceType":"Patient","id":"5f1d"},"request":{"method":"POST","url":"Patient"}}""");

    int rewritten = BundleRewriter.makeIdempotent(bundle);

    JsonNode entry = bundle.path("entry").get(0);
    assertThat(rewritten).isEqualTo(1);
    assertThat(entry.path("request").path("method").asText()).isEqualTo("PUT");
    assertThat(entry.path("request").path("url").asText()).isEqualTo("Patient/5f1d");
    assertThat(entry.path("fullUrl").asText()).isEqualTo("urn:uuid:5f1d");
  }

  @Test
  void rewrite_conditionalEntries_stayAsTheyAre() throws Exception {
    String entries =
        """
				{"fullUrl":"urn:uuid:a1","resource":{"resourceType":"Organization","id":"a1"},"request":{"method":"POST","url":"Organization","ifNoneExist":"identifier=x|1"}},
				{"fullUrl":"urn:uuid:a2","resource":{"resourceType":"Practitioner","id":"a2"},"request":{"method":"PUT","url":"Practitioner?identifier=y|2"}}""";
    ObjectNode bundle = bundle(entries);

    assertThat(BundleRewriter.makeIdempotent(bundle)).isZero();
    assertThat(bundle).isEqualTo(bundle(entries));
  }

  @Test
  void rewrite_postWithoutIdOrWithoutUrnFullUrl_staysPost() throws Exception {
    String entries =
        """
				{"fullUrl":"urn:uuid:b1","resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}},
				{"fullUrl":"http://example.org/fhir/Patient/b2","resource":{"resourceType":"Patient","id":"b2"},"request":{"method":"POST","url":"Patient"}},
				{"resource":{"resourceType":"Patient","id":"b3"},"request":{"method":"POST","url":"Patient"}}""";
    ObjectNode bundle = bundle(entries);

    assertThat(BundleRewriter.makeIdempotent(bundle)).isZero();
    assertThat(bundle).isEqualTo(bundle(entries));
  }

  @Test
  void rewrite_keepsDecimalsExactly() throws Exception {
    ObjectNode bundle =
        bundle(
            """
				{"fullUrl":"urn:uuid:c1","resource":{"resourceType":"Observation","id":"c1","valueQuantity":{"value":1.50}},"request":{"method":"POST","url":"Observation"}}""");

    BundleRewriter.makeIdempotent(bundle);

    assertThat(bundle.toString()).contains("\"value\":1.50");
  }
}
