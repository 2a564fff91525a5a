package org.consentry.server.door;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.regex.Pattern;
import org.consentry.consent.Requester;
import org.consentry.server.consent.ReadDecision;
import org.consentry.server.fhir.NotFound;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Instance-level requests are decided before HAPI runs them: the instance is read as the server and
 * put to the decision step, and a missing, deleted or hidden one gets the same {@link NotFound}
 * answer. HAPI's own paths differ by cause (a 304 for a matching ETag before any consent hook, an
 * empty history Bundle, {@code $meta} past the consent hooks, a 410 for a deleted resource), so the
 * door answers for them.
 */
final class Instances {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private final DaoRegistry daos;
  private final ReadDecision decision;

  Instances(DaoRegistry daos, ReadDecision decision) {
    this.daos = daos;
    this.decision = decision;
  }

  /**
   * The instance exists, is not deleted, and the requester may see it; else the answer for a
   * missing one.
   */
  void requireVisible(RequestDetails request, Requester requester, String type, IIdType id) {
    requireWellFormed(type, id);
    IBaseResource resource = readAsServer(type, id);
    if (resource == null || !decision.maySee(request, requester, resource)) {
      throw NotFound.of(type, id.getIdPart());
    }
  }

  /** An id that cannot exist answers as a missing one (and never reaches the database). */
  void requireWellFormed(String type, IIdType id) {
    if (type == null || id == null || !id.hasIdPart()) {
      return;
    }
    if (!ID.matcher(id.getIdPart()).matches()
        || id.hasVersionIdPart() && !ID.matcher(id.getVersionIdPart()).matches()) {
      throw NotFound.of(type, id.getIdPart().replaceAll("[^A-Za-z0-9\\-.]", "?"));
    }
  }

  /**
   * A write (update, patch, delete) names an id no resource can have: refused with a 400 before
   * HAPI looks it up (a NUL or other byte PostgreSQL refuses would end in a 500). The answer
   * depends on the id's form only, never on what is stored.
   */
  static void requireValidForWrite(String type, IIdType id) {
    if (type == null || id == null || !id.hasIdPart()) {
      return;
    }
    if (!ID.matcher(id.getIdPart()).matches()
        || id.hasVersionIdPart() && !ID.matcher(id.getVersionIdPart()).matches()) {
      throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
          "'"
              + id.getIdPart().replaceAll("[^A-Za-z0-9\\-.]", "?")
              + "' is not a valid id for "
              + type
              + ": an id is 1 to 64 letters, digits, '-' and '.'");
    }
  }

  /** The current version as stored, or null if it is missing or deleted. */
  IBaseResource readAsServer(String type, IIdType id) {
    if (!daos.isResourceTypeSupported(type)) {
      return null;
    }
    try {
      return daos.getResourceDao(type)
          .read(id.toUnqualifiedVersionless().withResourceType(type), new SystemRequestDetails());
    } catch (BaseServerResponseException notThere) {
      return null; // not found, gone (deleted), or an id HAPI refuses: all look the same
    }
  }

  /** A deleted version of a history: whether the version before the deletion may be seen. */
  boolean visibleBeforeDeletion(RequestDetails request, Requester requester, IIdType deleted) {
    if (!deleted.hasResourceType()
        || !deleted.hasIdPart()
        || !deleted.isVersionIdPartValidLong()
        || !daos.isResourceTypeSupported(deleted.getResourceType())) {
      return false;
    }
    long version = deleted.getVersionIdPartAsLong();
    if (version <= 1) {
      return false;
    }
    try {
      IBaseResource before =
          daos.getResourceDao(deleted.getResourceType())
              .read(
                  deleted.withVersion(Long.toString(version - 1)),
                  new SystemRequestDetails(),
                  true);
      return before != null && decision.maySee(request, requester, before);
    } catch (BaseServerResponseException notThere) {
      return false;
    }
  }
}
