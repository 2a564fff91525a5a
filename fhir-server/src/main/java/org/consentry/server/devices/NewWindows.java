package org.consentry.server.devices;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.util.HashSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The series windows an ingest found no stored version of, and so writes as new (a {@code PUT}
 * without {@code If-Match}, since there is no version to name). If another batch created one of
 * them since, HAPI would update it, and this batch's window, merged from nothing, would replace the
 * other's measurements. Instead such an update fails as a version conflict, and the ingest reads
 * and merges again. (Two batches creating the same window at the same instant fail on the
 * database's unique id instead, also as a conflict.)
 */
@Interceptor
final class NewWindows {

  private static final String EXPECTED = NewWindows.class.getName();

  /** A new attempt of the request's write: nothing expected yet. */
  static void reset(RequestDetails request) {
    request.getUserData().remove(EXPECTED);
  }

  /** This request writes {@code Observation/id} as a window it found no stored version of. */
  static void expect(RequestDetails request, String id) {
    @SuppressWarnings("unchecked")
    Set<String> ids =
        (Set<String>) request.getUserData().computeIfAbsent(EXPECTED, k -> new HashSet<String>());
    ids.add(id);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource updated, RequestDetails request) {
    if (request == null || !"Observation".equals(updated.fhirType())) {
      return;
    }
    Object ids = request.getUserData().get(EXPECTED);
    String id = updated.getIdElement().getIdPart();
    if (ids instanceof Set<?> expected && expected.contains(id)) {
      throw new ResourceVersionConflictException(
          "Observation/" + id + " was created by another batch meanwhile");
    }
  }
}
