package org.consentry.server.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.ResourceReferenceInfo;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;

/**
 * Whose record a resource belongs to: the one place that answers it, for scopes, consent and
 * encryption. The owners are the patients whose data the resource holds, read from its content:
 *
 * <ul>
 *   <li>a Patient belongs to itself (and to the patients it links to);
 *   <li>a type of the FHIR Patient CompartmentDefinition belongs to the patients its compartment
 *       parameters name (Observation.subject, Encounter.subject, Consent.patient...);
 *   <li>a Bundle (collection, document, message...) belongs to the owners of all its entries,
 *       nested Bundles included, and a Parameters to those of the resources it carries;
 *   <li>a Binary belongs to its {@code securityContext}: the patient it names, or the owners of the
 *       resource it names, read as the server (a Binary whose context cannot be resolved adds
 *       nobody, and on its own it is then visible to system clients only);
 *   <li>the stored types outside the compartment definition that can still carry a patient ({@link
 *       #CONTENT_TYPES}: Task.for, GuidanceResponse.subject...) belong to every patient they
 *       reference anywhere;
 *   <li>resources contained in any of these add their own owners.
 * </ul>
 *
 * Every other type (directory, terminology, conformance, definitions, Subscription...) belongs to
 * nobody. A resource of several owners is shown only if every one of them allows it.
 *
 * <p>Cost: this runs for every resource that leaves the server. For a compartment type it is a
 * cached type lookup, reading the compartment parameters' references ({@link
 * CompartmentReferences}, the paths parsed once per type) and an emptiness check of {@code
 * contained}; Bundles, Parameters and the content types walk their content; only a Binary whose
 * context names a resource other than a Patient reads from the database.
 */
public final class PatientCompartment {

  /**
   * Reads a referenced resource as the server (no requester, no consent); empty if missing or
   * deleted.
   */
  @FunctionalInterface
  public interface ReferenceReader {
    Optional<IBaseResource> read(IIdType id);
  }

  /**
   * Stored R4 types outside the Patient CompartmentDefinition with elements that can reference a
   * Patient, directly or as "any resource": BiologicallyDerivedProduct.collection.source,
   * Contract.subject and signer, Device.patient (a wearable or implant: its identifiers and serial
   * are the patient's data), GuidanceResponse.subject, Linkage.item, MessageHeader.focus,
   * PaymentNotice and PaymentReconciliation requests, Task.for and focus, TestScript fixtures,
   * VerificationResult.target. (Definitional types whose elements merely allow such references,
   * such as StructureDefinition examples, are directory data; Bundle, Binary and Parameters have
   * rules of their own.)
   */
  static final Set<String> CONTENT_TYPES =
      Set.of(
          "BiologicallyDerivedProduct",
          "Contract",
          "Device",
          "GuidanceResponse",
          "Linkage",
          "MessageHeader",
          "PaymentNotice",
          "PaymentReconciliation",
          "Task",
          "TestScript",
          "VerificationResult");

  /**
   * How far a Binary's security context is followed through other Binaries before giving up
   * (cycles).
   */
  private static final int MAX_HOPS = 3;

  private enum Kind {
    PATIENT,
    COMPARTMENT,
    BUNDLE,
    PARAMETERS,
    BINARY,
    CONTENT,
    NOBODY
  }

  /**
   * Where a resource sits: on its own, inside a Bundle or Parameters, or contained in another
   * resource.
   */
  private enum Place {
    TOP,
    ENTRY,
    CONTAINED
  }

  private final FhirContext fhir;
  private final Map<String, Kind> kinds = new ConcurrentHashMap<>();
  private final CompartmentReferences compartmentReferences;
  private volatile ReferenceReader reader = id -> Optional.empty();

  public PatientCompartment(FhirContext fhir) {
    this.fhir = fhir;
    this.compartmentReferences = new CompartmentReferences(fhir);
  }

  /**
   * How a Binary's security context that names another resource is read. Set once at start-up
   * ({@link OwnershipConfig}); until then such a Binary belongs to nobody, which hides it from all
   * but system clients.
   */
  public void readReferencesWith(ReferenceReader reader) {
    this.reader = Objects.requireNonNull(reader, "reader");
  }

  /**
   * Bare ids ({@code "123"}) of the patients the resource belongs to; empty if none. While a
   * transaction is stored, a reference to a Patient created in it may still read {@code
   * urn:uuid:...}; such placeholders are returned as they are for the top-level resource.
   */
  public Set<String> owners(IBaseResource resource) {
    Set<String> owners = new LinkedHashSet<>();
    collect(resource, owners, 0, Place.TOP);
    return owners;
  }

  /**
   * Whether instances of this type can belong to a patient at all (compartment types, Patient,
   * Bundle, Parameters, Binary and the content types); a type that cannot is nobody's record.
   */
  public boolean mayHaveOwners(String resourceType) {
    return kind(resourceType) != Kind.NOBODY;
  }

  private void collect(IBaseResource resource, Set<String> owners, int hops, Place place) {
    boolean nested = place != Place.TOP;
    switch (kind(fhir.getResourceType(resource))) {
      case PATIENT -> {
        if (place != Place.CONTAINED) {
          add(owners, resource.getIdElement(), nested);
        }
        compartment(resource, owners, nested);
      }
      case COMPARTMENT -> compartment(resource, owners, nested);
      case BUNDLE -> {
        for (Bundle.BundleEntryComponent entry : ((Bundle) resource).getEntry()) {
          if (entry.hasResource()) {
            collect(entry.getResource(), owners, hops, Place.ENTRY);
          }
        }
      }
      case PARAMETERS -> parameters(((Parameters) resource).getParameter(), owners, hops);
      case BINARY -> securityContext((Binary) resource, owners, hops);
      case CONTENT -> {
        for (ResourceReferenceInfo info : fhir.newTerser().getAllResourceReferences(resource)) {
          IIdType reference = info.getResourceReference().getReferenceElement();
          if ("Patient".equals(reference.getResourceType())) {
            add(owners, reference, nested);
          }
        }
      }
      case NOBODY -> {
        // directory, terminology, conformance and operational data: nobody's record
      }
    }
    if (resource instanceof DomainResource domain && domain.hasContained()) {
      for (Resource contained : domain.getContained()) {
        collect(contained, owners, hops, Place.CONTAINED);
      }
    }
  }

  private void compartment(IBaseResource resource, Set<String> owners, boolean nested) {
    compartmentReferences.targets(
        resource,
        owner -> {
          if (!owner.hasResourceType() || "Patient".equals(owner.getResourceType())) {
            add(owners, owner, nested);
          }
        });
  }

  private void parameters(
      Iterable<Parameters.ParametersParameterComponent> parameters, Set<String> owners, int hops) {
    for (Parameters.ParametersParameterComponent parameter : parameters) {
      if (parameter.hasResource()) {
        collect(parameter.getResource(), owners, hops, Place.ENTRY);
      }
      parameters(parameter.getPart(), owners, hops);
    }
  }

  private void securityContext(Binary binary, Set<String> owners, int hops) {
    IIdType context = binary.getSecurityContext().getReferenceElement();
    if (!context.hasIdPart() || !context.hasResourceType() || context.isLocal()) {
      return;
    }
    if ("Patient".equals(context.getResourceType())) {
      add(owners, context, false);
    } else if (hops < MAX_HOPS) {
      reader
          .read(context.toUnqualifiedVersionless())
          .ifPresent(target -> collect(target, owners, hops + 1, Place.TOP));
    }
  }

  /**
   * Adds a patient id. Local references ({@code #p}, a contained patient) name no stored patient;
   * {@code urn:} placeholders inside a Bundle or a contained resource point at a sibling whose own
   * owners count instead.
   */
  private static void add(Set<String> owners, IIdType id, boolean nested) {
    if (id == null || !id.hasIdPart() || id.isLocal() || id.getIdPart().startsWith("#")) {
      return;
    }
    if (nested && id.getValue().startsWith("urn:")) {
      return;
    }
    owners.add(id.getIdPart());
  }

  private Kind kind(String type) {
    return kinds.computeIfAbsent(
        type,
        t ->
            switch (t) {
              case "Patient" -> Kind.PATIENT;
              case "Bundle" -> Kind.BUNDLE;
              case "Parameters" -> Kind.PARAMETERS;
              case "Binary" -> Kind.BINARY;
              default ->
                  CONTENT_TYPES.contains(t)
                      ? Kind.CONTENT
                      : fhir.getResourceDefinition(t)
                              .getSearchParamsForCompartmentName("Patient")
                              .isEmpty()
                          ? Kind.NOBODY
                          : Kind.COMPARTMENT;
            });
  }
}
