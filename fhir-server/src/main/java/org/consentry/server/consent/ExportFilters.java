package org.consentry.server.consent;

import ca.uhn.fhir.batch2.jobs.export.BulkExportJobParametersBuilder;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry.SearchParamLookupContextEnum;
import ca.uhn.fhir.rest.server.util.MatchUrlUtil;
import java.util.List;
import java.util.Set;
import org.apache.http.NameValuePair;

/**
 * What a Bulk Data export may select by: {@code _type} names resource types, and each {@code
 * _typeFilter} (and {@code _typePostFetchFilterUrl}) query, {@code Type?params}, uses only the
 * plain search parameters of its type (with modifiers).
 *
 * <p>An export's filters run as the server, before consent looks at each resource; a parameter that
 * tests other resources ({@code _has}, a chain such as {@code subject.name}, {@code _list}, {@code
 * _query}, {@code _filter}, {@code _text}, {@code _content}) would let what gets exported depend on
 * data that consent hides, so it is refused. Result parameters ({@code _count}, {@code _sort},
 * {@code _include}, {@code _summary}...) select nothing and an export does not apply them, so none
 * makes sense in a filter and each is refused, as is any parameter that is not a search parameter
 * of the type. Every refusal is a 400 whose message names the parameter.
 *
 * <p>Values are split and parsed exactly as HAPI's export does (its filter separator, then {@link
 * MatchUrlUtil}), so what is checked is what would run.
 */
final class ExportFilters {

  static final String TYPE = "_type";
  static final String TYPE_FILTER = "_typeFilter";
  static final String POST_FETCH_FILTER = "_typePostFetchFilterUrl";
  static final List<String> PARAMETERS = List.of(TYPE, TYPE_FILTER, POST_FETCH_FILTER);

  private static final Set<String> REVEALING =
      Set.of("_has", "_filter", "_text", "_content", "_list", "_query");

  /** The search parameters of every resource, on the resource's own meta and id. */
  private static final Set<String> RESOURCE_PARAMETERS =
      Set.of("_id", "_lastUpdated", "_tag", "_profile", "_security", "_source");

  private static final Set<String> RESULT =
      Set.of(
          "_count",
          "_offset",
          "_sort",
          "_include",
          "_revinclude",
          "_summary",
          "_total",
          "_elements",
          "_contained",
          "_containedType",
          "_score",
          "_maxresults",
          "_includeDeleted",
          "_expunge",
          "_format",
          "_pretty");

  private final FhirContext fhir;
  private final ISearchParamRegistry searchParams;

  ExportFilters(FhirContext fhir, ISearchParamRegistry searchParams) {
    this.fhir = fhir;
    this.searchParams = searchParams;
  }

  /**
   * Checks one value of a kick-off parameter ({@link #PARAMETERS}); other parameters pass.
   *
   * @throws InvalidRequestException (400) naming the type or parameter that is refused
   */
  void check(String parameter, String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    if (TYPE.equals(parameter)) {
      for (String type : value.split(",")) {
        requireType(TYPE, type.trim());
      }
    } else if (TYPE_FILTER.equals(parameter) || POST_FETCH_FILTER.equals(parameter)) {
      for (String query :
          value.split(BulkExportJobParametersBuilder.FARM_TO_TABLE_TYPE_FILTER_REGEX)) {
        if (!query.isBlank()) {
          checkQuery(parameter, query.trim());
        }
      }
    }
  }

  private void checkQuery(String parameter, String query) {
    int mark = query.indexOf('?');
    if (mark <= 0) {
      throw new InvalidRequestException(
          parameter
              + " value '"
              + query
              + "' is not a search of the form"
              + " Type?parameter=value (URL-encoded)");
    }
    String type = query.substring(0, mark);
    requireType(parameter, type);
    // HAPI refuses a space in a match URL without naming the parameter; check the names first
    for (NameValuePair pair : MatchUrlUtil.translateMatchUrl(query.replace(" ", "%20"))) {
      checkParameter(parameter, type, pair.getName());
    }
  }

  private void checkParameter(String parameter, String type, String name) {
    String base = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
    if (REVEALING.contains(base) || name.contains(".")) {
      throw new InvalidRequestException(
          parameter
              + " parameter '"
              + name
              + "' is not supported: it tests other"
              + " resources, which patients' consent may hide; filter "
              + type
              + " by its own search parameters");
    }
    if (RESULT.contains(base)) {
      throw new InvalidRequestException(
          parameter
              + " parameter '"
              + name
              + "' is a result parameter, which an"
              + " export does not apply: a filter selects "
              + type
              + " resources by their search parameters only");
    }
    if (!RESOURCE_PARAMETERS.contains(base)
        && searchParams.getActiveSearchParam(type, base, SearchParamLookupContextEnum.SEARCH)
            == null) {
      throw new InvalidRequestException(
          parameter + " parameter '" + name + "' is not a search parameter of " + type);
    }
  }

  private void requireType(String parameter, String type) {
    if (!fhir.getResourceTypes().contains(type)) {
      throw new InvalidRequestException(
          parameter + " names '" + type + "', which is not a resource type");
    }
  }
}
