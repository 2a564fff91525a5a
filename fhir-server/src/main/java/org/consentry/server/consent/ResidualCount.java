package org.consentry.server.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.consentry.consent.Requester;
import org.consentry.server.fhir.OwnerIndex;
import org.consentry.server.security.Requesters;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The exact count of a search whose {@link ConsentView} is not exact: the database counts what the
 * view lets through, which may include resources of the patients whose Consents are decided per
 * resource; those (only those) are loaded, as the server, and decided, and the hidden ones are
 * subtracted. The work is a count query plus the matches among those few patients, not the whole
 * result.
 */
final class ResidualCount {

  /**
   * More matches than this among per-resource patients: the count is refused rather than guessed.
   */
  static final int MAX_DECIDED = 50_000;

  /** Parameters that shape the answer, not the set of matches. */
  private static final Set<String> RESULT =
      Set.of(
          "_summary",
          "_total",
          "_count",
          "_offset",
          "_sort",
          "_elements",
          "_format",
          "_pretty",
          "_include",
          "_revinclude",
          "_include:iterate",
          "_revinclude:iterate",
          "_include:recurse",
          "_revinclude:recurse");

  private final ServerSearches searches;
  private final ConsentEnforcement enforcement;

  ResidualCount(ServerSearches searches, ConsentEnforcement enforcement) {
    this.searches = searches;
    this.enforcement = enforcement;
  }

  /**
   * Whether the request asks for an exact count ({@code _summary=count} or {@code
   * _total=accurate}).
   */
  static boolean asked(RequestDetails request) {
    Map<String, String[]> parameters = request.getParameters();
    return parameters != null
        && (has(parameters, "_summary", "count") || has(parameters, "_total", "accurate"));
  }

  private static boolean has(Map<String, String[]> parameters, String name, String value) {
    String[] values = parameters.get(name);
    return values != null && Arrays.asList(values).contains(value);
  }

  /**
   * The requester's exact count: the database's count under the view, less the hidden among
   * per-resource patients.
   */
  int total(RequestDetails request) {
    String type = request.getResourceName();
    int all =
        searches.count(
            type, searches.query(type, RequestState.narrowedParameters(request), RESULT));
    return Math.max(0, all - hiddenAmong(request));
  }

  /** How many of the database's matches the requester may not see. */
  private int hiddenAmong(RequestDetails request) {
    ConsentView view = RequestState.view(request);
    Requester requester = Requesters.of(request).orElseThrow();
    String type = request.getResourceName();
    Map<String, String[]> parameters =
        new LinkedHashMap<>(RequestState.narrowedParameters(request));
    List<String> owners = view == null ? null : view.perResource();
    if (owners != null) {
      parameters.put(OwnerIndex.OWNER, new String[] {String.join(",", owners)});
    }
    List<IBaseResource> found =
        searches.load(type, searches.query(type, parameters, RESULT), MAX_DECIDED);
    if (found.size() > MAX_DECIDED) {
      throw new InvalidRequestException(
          "This count would decide more than "
              + MAX_DECIDED
              + " resources one by"
              + " one (their patients' Consents test codes or dates): narrow the search");
    }
    int hidden = 0;
    for (IBaseResource resource : found) {
      if (!enforcement.decide(request, requester, resource, false)) {
        hidden++;
      }
    }
    return hidden;
  }
}
