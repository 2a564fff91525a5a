package org.consentry.server.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.SearchTotalModeEnum;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.consentry.server.fhir.OwnerIndex;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Searches the consent step runs as the server, synchronously and outside the search cache, for
 * resources it then decides itself ({@link LinkedSearches}, {@link ResidualCount}).
 */
final class ServerSearches {

  private final FhirContext fhir;
  private final DaoRegistry daos;
  private final MatchUrlService matchUrls;

  ServerSearches(FhirContext fhir, DaoRegistry daos, MatchUrlService matchUrls) {
    this.fhir = fhir;
    this.daos = daos;
    this.matchUrls = matchUrls;
  }

  /** {@code type?parameters} as HAPI's query, without the parameters named in {@code leftOut}. */
  SearchParameterMap query(String type, Map<String, String[]> parameters, Set<String> leftOut) {
    StringBuilder url = new StringBuilder(type).append('?');
    parameters.forEach(
        (name, values) -> {
          if (!leftOut.contains(name)) {
            for (String value : values) {
              url.append(encode(name)).append('=').append(encode(value)).append('&');
            }
          }
        });
    return matchUrls.translateMatchUrl(url.toString(), fhir.getResourceDefinition(type));
  }

  /** The matches, at most {@code limit + 1} of them (so that a caller can tell it went over). */
  List<IBaseResource> load(String type, SearchParameterMap query, int limit) {
    query.setLoadSynchronous(true);
    query.setLoadSynchronousUpTo(limit + 1);
    return daos.getResourceDao(type).search(query, new SystemRequestDetails()).getAllResources();
  }

  /** The number of matches, counted in the database. */
  int count(String type, SearchParameterMap query) {
    query.setSummaryMode(SummaryEnum.COUNT);
    query.setSearchTotalMode(SearchTotalModeEnum.ACCURATE);
    query.setLoadSynchronous(true);
    Integer counted = daos.getResourceDao(type).search(query, new SystemRequestDetails()).size();
    return counted == null ? 0 : counted;
  }

  /**
   * Every stored resource of this type that belongs to the patient (the server's own {@link
   * OwnerIndex#OWNER} index), in storage order, read page by page ({@code pageSize} at a time, each
   * page a query of its own) so that a record of any size is visited whole without being held in
   * memory. A synchronous search alone would stop at HAPI's internal limit (10,000). The pages are
   * HAPI's own offset paging ({@code _offset}, {@code _count}, ordered by storage id), which a DAO
   * takes from the request's parameters, not from the query.
   */
  void eachOwnedBy(String type, String patientId, int pageSize, Consumer<IBaseResource> each) {
    String previousFirst = null;
    for (int offset = 0; ; offset += pageSize) {
      SearchParameterMap query =
          SearchParameterMap.newSynchronous().add(OwnerIndex.OWNER, new TokenParam(patientId));
      query.setSearchTotalMode(SearchTotalModeEnum.NONE);
      SystemRequestDetails request = new SystemRequestDetails();
      request.setParameters(
          Map.of(
              Constants.PARAM_OFFSET,
              new String[] {Integer.toString(offset)},
              Constants.PARAM_COUNT,
              new String[] {Integer.toString(pageSize)}));
      List<IBaseResource> page =
          daos.getResourceDao(type).search(query, request).getResources(0, pageSize + 1);
      if (page.size() > pageSize
          || !page.isEmpty() && page.get(0).getIdElement().getValue().equals(previousFirst)) {
        // never loop forever should HAPI ever stop honouring the offset
        throw new IllegalStateException("paging " + type + " by offset did not advance");
      }
      page.forEach(each);
      if (page.size() < pageSize) {
        return;
      }
      previousFirst = page.get(0).getIdElement().getValue();
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
