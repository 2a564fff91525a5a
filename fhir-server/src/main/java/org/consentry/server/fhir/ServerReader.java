package org.consentry.server.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Reads a resource as the server itself: no requester, so no scope or consent applies. For
 * decisions about a resource (whose it is, whether a requester may see it), never for answers: what
 * it returns must not leave the server unless the decision step lets it.
 */
public final class ServerReader implements PatientCompartment.ReferenceReader {

  /** Ids per query of {@link #readAll}. */
  private static final int CHUNK = 500;

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

  /**
   * The current versions of these resources, keyed {@code Type/id}, read with one query per type
   * and {@value #CHUNK} ids (not one read each: a Provenance may name a thousand targets). What is
   * missing, deleted or of a type not stored here is absent from the map.
   */
  public Map<String, IBaseResource> readAll(Collection<? extends IIdType> ids) {
    Map<String, List<String>> byType = new LinkedHashMap<>();
    for (IIdType id : ids) {
      if (id.hasResourceType()
          && id.hasIdPart()
          && daos.isResourceTypeSupported(id.getResourceType())) {
        List<String> ofType = byType.computeIfAbsent(id.getResourceType(), t -> new ArrayList<>());
        if (!ofType.contains(id.getIdPart())) {
          ofType.add(id.getIdPart());
        }
      }
    }
    Map<String, IBaseResource> found = new HashMap<>();
    byType.forEach(
        (type, idParts) -> {
          for (int from = 0; from < idParts.size(); from += CHUNK) {
            TokenOrListParam chunk = new TokenOrListParam();
            idParts
                .subList(from, Math.min(idParts.size(), from + CHUNK))
                .forEach(idPart -> chunk.add(null, idPart));
            SearchParameterMap map = SearchParameterMap.newSynchronous();
            map.add("_id", chunk);
            for (IBaseResource resource :
                daos.getResourceDao(type)
                    .search(map, new SystemRequestDetails())
                    .getAllResources()) {
              found.put(type + "/" + resource.getIdElement().getIdPart(), resource);
            }
          }
        });
    return found;
  }
}
