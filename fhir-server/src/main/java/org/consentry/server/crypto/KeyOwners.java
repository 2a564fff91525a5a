package org.consentry.server.crypto;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.IResourcePersistentId;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.consentry.server.fhir.PatientCompartment;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * Whose data key encrypts a resource: the id of the patient it belongs to, or {@value #SHARED} for
 * data of no patient (Practitioner, Organization, ...).
 *
 * <ul>
 *   <li>a Patient: its own id;
 *   <li>a Binary: the patient its {@code securityContext} names, directly ({@code Patient/x}) or
 *       through the resource it references (that resource's owners, read as the server); a security
 *       context that names no stored resource is refused (400), since the Binary could not be told
 *       apart from a patient's;
 *   <li>anything else: its first owner in the patient compartment ({@link PatientCompartment}).
 * </ul>
 *
 * A {@code urn:} reference is looked up among the entries of the transaction being stored, or, for
 * a resource inside a stored Bundle, among the entries of that Bundle (and of the Bundles around
 * it); an entry of a stored Bundle whose owner cannot be found uses the shared key, like a Patient
 * entry without a plain FHIR id (the key is then the patient's own).
 */
final class KeyOwners {

  /** The key id of resources that belong to no patient. */
  static final String SHARED = "_shared";

  private static final String TRANSACTION_BUNDLE = KeyOwners.class.getName() + ".bundle";
  private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private final PatientCompartment compartment;
  private final DaoRegistry daos;

  KeyOwners(PatientCompartment compartment, DaoRegistry daos) {
    this.compartment = compartment;
    this.daos = daos;
  }

  /**
   * Keeps a transaction Bundle with its request: its entries tell which patient a {@code urn:}
   * reference is.
   */
  static void rememberTransaction(IBaseBundle bundle, RequestDetails request) {
    if (request != null) {
      request.getUserData().put(TRANSACTION_BUNDLE, bundle);
    }
  }

  /** The key id of a resource stored at the top level of a write. */
  String of(Resource resource, TransactionDetails transaction, RequestDetails request) {
    if (resource instanceof Patient) {
      String id = resource.getIdElement().getIdPart();
      if (id == null) {
        throw new InternalErrorException(
            "a Patient reached storage without an id: cannot choose its key");
      }
      return id;
    }
    String owner = ownerOf(resource, urn -> inTransaction(urn, resource, transaction, request));
    return owner == null ? SHARED : owner;
  }

  /**
   * The key id of a resource inside a stored Bundle; {@code enclosing}: the Bundles around it,
   * innermost last.
   */
  String ofEntry(Resource entry, List<Bundle> enclosing) {
    String owner =
        entry instanceof Patient
            ? plain(entry.getIdElement().getIdPart())
            : ownerOf(entry, urn -> inBundles(urn, enclosing));
    return owner == null ? SHARED : owner;
  }

  private String ownerOf(Resource resource, UnaryOperator<String> urnOwner) {
    String owner =
        resource instanceof Binary binary
            ? securityContextOwner(binary)
            : first(compartment.owners(resource));
    return owner != null && owner.startsWith("urn:") ? urnOwner.apply(owner) : owner;
  }

  /** The patient a Binary's security context names, a {@code urn:} to look up, or null. */
  private String securityContextOwner(Binary binary) {
    if (!binary.hasSecurityContext() || !binary.getSecurityContext().hasReference()) {
      return null; // none, or an identifier only (export files)
    }
    String reference = binary.getSecurityContext().getReference();
    if (reference.startsWith("urn:")) {
      return reference;
    }
    IdType id = new IdType(reference);
    if ("Patient".equals(id.getResourceType()) && id.hasIdPart()) {
      return id.getIdPart();
    }
    if (!id.hasResourceType()
        || !id.hasIdPart()
        || !daos.isResourceTypeSupported(id.getResourceType())) {
      throw unknownContext(reference);
    }
    try {
      IBaseResource target =
          daos.getResourceDao(id.getResourceType())
              .read(id.toUnqualifiedVersionless(), new SystemRequestDetails());
      return first(compartment.owners(target));
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      throw unknownContext(reference);
    }
  }

  private static InvalidRequestException unknownContext(String reference) {
    return new InvalidRequestException(
        "The securityContext of this Binary ("
            + reference
            + ") names no stored"
            + " resource: it decides whose data the Binary is, so it must reference a Patient or a stored resource");
  }

  /**
   * A patient referenced as {@code urn:} inside a transaction: HAPI replaces such references only
   * after storing every entry, so look the patient up in the transaction Bundle itself (HAPI gives
   * each entry's resource its id as it stores it, and a PUT entry has it from the start).
   */
  private String inTransaction(
      String urn, Resource resource, TransactionDetails transaction, RequestDetails request) {
    IResourcePersistentId<?> pid =
        transaction == null ? null : transaction.getResolvedResourceId(new IdType(urn));
    if (pid != null
        && pid.getAssociatedResourceId() != null
        && pid.getAssociatedResourceId().hasIdPart()
        && "Patient".equals(typeOr(pid.getAssociatedResourceId().getResourceType(), "Patient"))) {
      return pid.getAssociatedResourceId().getIdPart();
    }
    Object inRequest = request == null ? null : request.getUserData().get(TRANSACTION_BUNDLE);
    if (inRequest instanceof Bundle bundle) {
      Bundle.BundleEntryComponent entry = entry(bundle, urn);
      if (entry != null && entry.getResource() instanceof Patient patient) {
        String id = patient.getIdElement().getIdPart();
        if (id != null
            && !id.startsWith("urn:")
            && !patient.getIdElement().getValue().startsWith("urn:")) {
          return id;
        }
        if (entry.getRequest().hasUrl() && entry.getRequest().getUrl().startsWith("Patient/")) {
          return new IdType(entry.getRequest().getUrl()).getIdPart();
        }
      } else if (entry != null && entry.getResource() != null && resource instanceof Binary) {
        // a Binary's security context names another entry of the transaction: that entry's patient
        String owner = first(compartment.owners(entry.getResource()));
        return owner != null && owner.startsWith("urn:")
            ? inTransaction(owner, entry.getResource(), transaction, request)
            : owner;
      }
    }
    throw new InvalidRequestException(
        "The patient of this "
            + resource.fhirType()
            + " ("
            + urn
            + ") is not stored"
            + " yet in this transaction: list the Patient entry before the entries that reference it");
  }

  /**
   * A patient referenced as {@code urn:} inside a stored Bundle: an entry of that Bundle or of one
   * around it.
   */
  private String inBundles(String urn, List<Bundle> enclosing) {
    for (int i = enclosing.size() - 1; i >= 0; i--) {
      Bundle.BundleEntryComponent entry = entry(enclosing.get(i), urn);
      if (entry == null || entry.getResource() == null) {
        continue;
      }
      if (entry.getResource() instanceof Patient patient) {
        return plain(patient.getIdElement().getIdPart());
      }
      String owner = first(compartment.owners(entry.getResource()));
      return owner == null || owner.startsWith("urn:") ? patientEntry(owner, enclosing) : owner;
    }
    return null;
  }

  private static String patientEntry(String urn, List<Bundle> enclosing) {
    for (int i = enclosing.size() - 1; urn != null && i >= 0; i--) {
      Bundle.BundleEntryComponent entry = entry(enclosing.get(i), urn);
      if (entry != null && entry.getResource() instanceof Patient patient) {
        return plain(patient.getIdElement().getIdPart());
      }
    }
    return null;
  }

  private static Bundle.BundleEntryComponent entry(Bundle bundle, String fullUrl) {
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (fullUrl.equals(entry.getFullUrl())) {
        return entry;
      }
    }
    return null;
  }

  private static String plain(String id) {
    return id != null && PLAIN_ID.matcher(id).matches() ? id : null;
  }

  private static String first(Set<String> owners) {
    return owners.isEmpty() ? null : owners.iterator().next();
  }

  private static String typeOr(String type, String otherwise) {
    return type == null ? otherwise : type;
  }
}
