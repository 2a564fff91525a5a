package org.consentry.cli.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ResourceJsonTest {

  static final Path FILE = Path.of("Observation.ndjson");

  @Test
  void parseLine_collectsReferencedTypesOfEveryForm() throws Exception {
    ResourceLine line =
        ResourceJson.parseLine(
            FILE,
            7,
            """
				{"resourceType":"Observation","id":"o-1","subject":{"reference":"Patient/p1"},
				 "performer":[{"reference":"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9"},
				  {"reference":"http://example.org/fhir/Organization/x/_history/2"},{"reference":"#contained"},
				  {"reference":"urn:uuid:0000"}],"hasMember":[{"reference":"Observation/o-2"}]}""");

    assertThat(line.type()).isEqualTo("Observation");
    assertThat(line.id()).isEqualTo("o-1");
    assertThat(line.location()).isEqualTo("Observation.ndjson:7");
    assertThat(line.referencedTypes())
        .containsExactly("Observation", "Organization", "Patient", "Practitioner");
  }

  @Test
  void parseLine_invalidId_isRejectedBeforeSending() {
    assertThatThrownBy(
            () -> ResourceJson.parseLine(FILE, 1, "{\"resourceType\":\"Patient\",\"id\":\"a b\"}"))
        .hasMessage("Patient id \"a b\" is not a valid FHIR id");
  }

  @Test
  void parseLine_trailingGarbage_isNotValidJson() {
    assertThatThrownBy(
            () -> ResourceJson.parseLine(FILE, 1, "{\"resourceType\":\"Patient\",\"id\":\"a\"} x"))
        .hasMessageStartingWith("not valid JSON");
  }
}
