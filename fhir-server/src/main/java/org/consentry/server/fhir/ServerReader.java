package org.consentry.server.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Reads a resource as the server itself: no requester, so no scope or consent applies. For
 * decisions about a resource (whose it is, whether a requester may see it), never for answers: what
 * it returns must not leave the server unless the decision step lets it.
 */
public final class ServerReader implements PatientCompartment.ReferenceReader {

  private final DaoRegistry daos;

  public ServerReader(DaoRegistry daos) {
    this.daos = daos;
  }

  /**
   * The current version of {@code Type/id}; empty if the type is not stored here, or the resource
   * is missing or deleted.
   */
  @Override
  public Optional<IBaseResource> read(IIdType id) {
    if (!id.hasResourceType()
        || !id.hasIdPart()
        || !daos.isResourceTypeSupported(id.getResourceType())) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          daos.getResourceDao(id.getResourceType())
              .read(id.toUnqualifiedVersionless(), new SystemRequestDetails()));
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return Optional.empty();
    }
  }
}
