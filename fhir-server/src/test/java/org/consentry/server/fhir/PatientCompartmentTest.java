package org.consentry.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeChildResourceDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PatientCompartmentTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  /**
   * What the server would read for a Binary's security context: the stored resources of this table.
   */
  private static final Map<String, String> STORED =
      Map.of(
          "DocumentReference/doc",
              "{'resourceType':'DocumentReference','id':'doc','subject':{'reference':'Patient/e'}}",
          "Binary/x",
              "{'resourceType':'Binary','id':'x','securityContext':{'reference':'Binary/y'}}",
          "Binary/y",
              "{'resourceType':'Binary','id':'y','securityContext':{'reference':'Binary/x'}}");

  private final PatientCompartment compartment = new PatientCompartment(FHIR);

  {
    compartment.readReferencesWith(
        id -> Optional.ofNullable(STORED.get(id.getValue())).map(PatientCompartmentTest::parse));
  }

  static Stream<Arguments> contents() {
    return Stream.of(
        // the Patient compartment definition
        row(
            "Observation of a",
            "{'resourceType':'Observation','subject':{'reference':'Patient/a'}}",
            "a"),
        row("Observation without subject", "{'resourceType':'Observation','status':'final'}"),
        row("Patient a", "{'resourceType':'Patient','id':'a'}", "a"),
        row(
            "Patient a linked to b",
            "{'resourceType':'Patient','id':'a','link':[{'other':{'reference':'Patient/b'},'type':'seealso'}]}",
            "a",
            "b"),
        row(
            "Consent of a naming an Observation of b",
            "{'resourceType':'Consent','patient':{'reference':'Patient/a'},'provision':{'data':[{'meaning':'instance','reference':{'reference':'Observation/of-b'}}]}}",
            "a"),
        row(
            "Observation while its transaction is stored",
            "{'resourceType':'Observation','subject':{'reference':'urn:uuid:5f0c1e7a'}}",
            "urn:uuid:5f0c1e7a"),
        // Bundles: the union of their entries, nested ones included
        row(
            "collection Bundle of b's Patient",
            "{'resourceType':'Bundle','type':'collection','entry':[{'resource':{'resourceType':'Patient','id':'b'}}]}",
            "b"),
        row(
            "collection Bundle of a's and b's Observations",
            "{'resourceType':'Bundle','type':'collection','entry':[{'resource':{'resourceType':'Observation','subject':{'reference':'Patient/a'}}},{'resource':{'resourceType':'Observation','subject':{'reference':'Patient/b'}}}]}",
            "a",
            "b"),
        row(
            "document Bundle, references by fullUrl",
            "{'resourceType':'Bundle','type':'document','entry':[{'fullUrl':'urn:uuid:c1','resource':{'resourceType':'Composition','subject':{'reference':'urn:uuid:p1'}}},{'fullUrl':'urn:uuid:p1','resource':{'resourceType':'Patient','id':'b'}}]}",
            "b"),
        row(
            "message Bundle inside a collection",
            "{'resourceType':'Bundle','type':'collection','entry':[{'resource':{'resourceType':'Bundle','type':'message','entry':[{'resource':{'resourceType':'MessageHeader','focus':[{'reference':'Patient/c'}]}},{'resource':{'resourceType':'Condition','subject':{'reference':'Patient/d'}}}]}}]}",
            "c",
            "d"),
        row(
            "Bundle of Organizations",
            "{'resourceType':'Bundle','type':'collection','entry':[{'resource':{'resourceType':'Organization','name':'x'}}]}"),
        row(
            "Parameters carrying an Observation of a",
            "{'resourceType':'Parameters','parameter':[{'name':'r','part':[{'name':'o','resource':{'resourceType':'Observation','subject':{'reference':'Patient/a'}}}]}]}",
            "a"),
        // Binary: its security context
        row(
            "Binary of Patient a",
            "{'resourceType':'Binary','contentType':'text/plain','securityContext':{'reference':'Patient/a'}}",
            "a"),
        row(
            "Binary of e's DocumentReference",
            "{'resourceType':'Binary','contentType':'text/plain','securityContext':{'reference':'DocumentReference/doc'}}",
            "e"),
        row(
            "Binary of a missing resource",
            "{'resourceType':'Binary','contentType':'text/plain','securityContext':{'reference':'DocumentReference/gone'}}"),
        row(
            "Binary without security context",
            "{'resourceType':'Binary','contentType':'text/plain'}"),
        row(
            "Binary of an export requester",
            "{'resourceType':'Binary','contentType':'text/plain','securityContext':{'identifier':{'system':'urn:consentry:export-requester','value':'u1'}}}"),
        row(
            "Binary in a cycle of security contexts",
            "{'resourceType':'Binary','contentType':'text/plain','securityContext':{'reference':'Binary/x'}}"),
        // types the compartment definition omits, owned by the patients they reference
        row(
            "Device of a",
            "{'resourceType':'Device','patient':{'reference':'Patient/a'},'owner':{'reference':'Organization/o'}}",
            "a"),
        row("Device without patient", "{'resourceType':'Device','serialNumber':'x'}"),
        row(
            "Task for a",
            "{'resourceType':'Task','status':'ready','intent':'order','for':{'reference':'Patient/a'}}",
            "a"),
        row(
            "GuidanceResponse about a",
            "{'resourceType':'GuidanceResponse','status':'success','subject':{'reference':'Patient/a'}}",
            "a"),
        row(
            "Linkage of a and b",
            "{'resourceType':'Linkage','item':[{'type':'source','resource':{'reference':'Patient/a'}},{'type':'alternate','resource':{'reference':'Patient/b'}}]}",
            "a",
            "b"),
        row(
            "VerificationResult of a",
            "{'resourceType':'VerificationResult','status':'validated','target':[{'reference':'Patient/a'}]}",
            "a"),
        row(
            "BiologicallyDerivedProduct from donor a",
            "{'resourceType':'BiologicallyDerivedProduct','collection':{'source':{'reference':'Patient/a'}}}",
            "a"),
        row(
            "Task about an order only",
            "{'resourceType':'Task','status':'ready','intent':'order','focus':{'reference':'ServiceRequest/s'}}"),
        // contained resources add their owners; a contained patient is nobody stored
        row(
            "Organization containing an Observation of b",
            "{'resourceType':'Organization','contained':[{'resourceType':'Observation','id':'o','subject':{'reference':'Patient/b'}}]}",
            "b"),
        row(
            "Observation of a contained patient",
            "{'resourceType':'Observation','contained':[{'resourceType':'Patient','id':'p'}],'subject':{'reference':'#p'}}"),
        // nobody's
        row("Practitioner", "{'resourceType':'Practitioner','active':true}"),
        row("ValueSet", "{'resourceType':'ValueSet','status':'active'}"),
        row(
            "Subscription",
            "{'resourceType':'Subscription','status':'active','criteria':'Observation?patient=Patient/a'}"));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("contents")
  void owners_fromContent(String what, IBaseResource resource, Set<String> expected) {
    assertThat(compartment.owners(resource)).isEqualTo(expected);
  }

  /**
   * Every stored type that can reference a Patient, but that the compartment definition leaves out,
   * has an owner rule: content, Bundle, Binary or Parameters, or is directory data.
   */
  @Test
  void everyTypeThatCanReferenceAPatient_hasAnOwnerRule() {
    Set<String> uncovered = new TreeSet<>();
    for (String type : FHIR.getResourceTypes()) {
      RuntimeResourceDefinition definition = FHIR.getResourceDefinition(type);
      boolean inCompartment = !definition.getSearchParamsForCompartmentName("Patient").isEmpty();
      if (!inCompartment
          && canReferenceAPatient(definition, new HashSet<>())
          && !PatientCompartment.CONTENT_TYPES.contains(type)
          && !DirectoryTypes.contains(type)
          && !Set.of("Bundle", "Binary", "Parameters").contains(type)) {
        uncovered.add(type);
      }
    }
    assertThat(uncovered).isEmpty();
  }

  private static boolean canReferenceAPatient(
      BaseRuntimeElementCompositeDefinition<?> definition, Set<Object> seen) {
    if (!seen.add(definition)) {
      return false;
    }
    for (BaseRuntimeChildDefinition child : definition.getChildren()) {
      if (List.of("contained", "extension", "modifierExtension").contains(child.getElementName())) {
        continue;
      }
      if (child instanceof RuntimeChildResourceDefinition reference) {
        if (reference.getResourceTypes().stream()
            .map(Class::getSimpleName)
            .anyMatch(
                n ->
                    n.equals("Patient")
                        || n.equals("Resource")
                        || n.equals("IBaseResource")
                        || n.equals("IAnyResource")
                        || n.equals("DomainResource"))) {
          return true;
        }
        continue;
      }
      for (String name : child.getValidChildNames()) {
        BaseRuntimeElementDefinition<?> element = child.getChildByName(name);
        if (element instanceof BaseRuntimeElementCompositeDefinition<?> composite
            && !(element instanceof RuntimeResourceDefinition)
            && canReferenceAPatient(composite, seen)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Arguments row(String what, String json, String... owners) {
    return Arguments.of(what, parse(json), new java.util.LinkedHashSet<>(Arrays.asList(owners)));
  }

  private static IBaseResource parse(String json) {
    return FHIR.newJsonParser().parseResource(json.replace('\'', '"'));
  }
}
