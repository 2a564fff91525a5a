package org.consentry.server.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import ca.uhn.fhir.jpa.searchparam.extractor.PathAndRef;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.consentry.consent.Requester;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Chained parameters and {@code _has}, matched only through what the requester may see. Each is
 * resolved before the search runs: the inner search (the chain's target type, or the {@code _has}
 * type) runs with the requester's {@link ConsentView} of that type, every match is decided as it
 * would be if it were returned, and the parameter is replaced by the visible matches:
 *
 * <ul>
 *   <li>{@code subject:Patient.name=Smith} becomes {@code subject=Patient/1,Patient/2} (the visible
 *       Patients named Smith); without a type, every target type that has the parameter;
 *   <li>{@code _has:Observation:patient:code=X} becomes {@code _id=1,2} (the patients referenced,
 *       through {@code patient}, by visible Observations with code X).
 * </ul>
 *
 * Both nest. A hidden resource so never makes anything match, and a search with no visible match
 * finds nothing. An inner search with more than {@value #MAX_MATCHES} matches is refused with 400
 * (narrow it), since its matches are decided one by one.
 */
final class LinkedSearches {

  static final int MAX_MATCHES = 10_000;

  /** No resource has this id, so a parameter with no visible match matches nothing. */
  static final String NONE = "consentry-no-match";

  private final FhirContext fhir;
  private final ServerSearches searches;
  private final ISearchParamRegistry registry;
  private final ISearchParamExtractor extractor;
  private final ConsentEnforcement enforcement;
  private final ConsentViews views;
  private final ConsentCache cache;

  LinkedSearches(
      FhirContext fhir,
      ServerSearches searches,
      ISearchParamRegistry registry,
      ISearchParamExtractor extractor,
      ConsentEnforcement enforcement,
      ConsentViews views,
      ConsentCache cache) {
    this.fhir = fhir;
    this.searches = searches;
    this.registry = registry;
    this.extractor = extractor;
    this.enforcement = enforcement;
    this.views = views;
    this.cache = cache;
  }

  /** Replaces every chained and {@code _has} parameter of a search of {@code type} in place. */
  void resolve(
      RequestDetails request, Requester requester, String type, Map<String, String[]> parameters) {
    for (String name : new ArrayList<>(parameters.keySet())) {
      if (name.startsWith("_has:")) {
        String[] values = parameters.remove(name);
        for (String value : values) {
          add(parameters, "_id", has(request, requester, type, name, value));
        }
      } else if (!name.startsWith("_") && name.contains(".")) {
        String[] values = parameters.remove(name);
        int dot = name.indexOf('.');
        String head = name.substring(0, dot);
        String rest = name.substring(dot + 1);
        String reference = head.contains(":") ? head.substring(0, head.indexOf(':')) : head;
        String target = head.contains(":") ? head.substring(head.indexOf(':') + 1) : null;
        for (String value : values) {
          add(
              parameters,
              reference,
              chain(request, requester, type, reference, target, rest, value));
        }
      }
    }
  }

  /**
   * {@code _has:Type:reference:parameter=value}: ids of {@code outerType} that visible Type
   * resources reference.
   */
  private Set<String> has(
      RequestDetails request, Requester requester, String outerType, String name, String value) {
    String[] parts = name.split(":", 4);
    if (parts.length < 4 || parts[1].isEmpty() || parts[2].isEmpty() || parts[3].isEmpty()) {
      throw new InvalidRequestException(
          "Search parameter '" + name + "' is not valid: use _has:Type:reference:parameter");
    }
    String innerType = parts[1];
    String reference = parts[2];
    Set<String> ids = new LinkedHashSet<>();
    for (IBaseResource inner : visibleMatches(request, requester, innerType, parts[3], value)) {
      for (PathAndRef link : extractor.extractResourceLinks(inner, false)) {
        if (!reference.equals(link.getSearchParamName()) || link.getRef() == null) {
          continue;
        }
        IIdType target = link.getRef().getReferenceElement();
        if (outerType.equals(target.getResourceType()) && target.hasIdPart()) {
          ids.add(target.getIdPart());
        }
      }
    }
    return ids;
  }

  /**
   * {@code reference[:Target].rest=value}: {@code Target/id} of the visible targets matching rest.
   */
  private Set<String> chain(
      RequestDetails request,
      Requester requester,
      String type,
      String reference,
      String target,
      String rest,
      String value) {
    RuntimeSearchParam parameter =
        registry.getActiveSearchParam(
            type, reference, ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH);
    if (parameter == null) {
      throw new InvalidRequestException(
          "Search parameter '" + reference + "' is not a reference parameter of " + type);
    }
    List<String> targets =
        target != null ? List.of(target) : new ArrayList<>(parameter.getTargets());
    String innerName = rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
    String innerBase =
        innerName.contains(":") ? innerName.substring(0, innerName.indexOf(':')) : innerName;
    Set<String> references = new LinkedHashSet<>();
    for (String targetType : targets) {
      if (target == null
          && registry.getActiveSearchParam(
                  targetType, innerBase, ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH)
              == null
          && !innerBase.startsWith("_")) {
        continue; // this target type has no such parameter
      }
      for (IBaseResource match : visibleMatches(request, requester, targetType, rest, value)) {
        references.add(targetType + "/" + match.getIdElement().getIdPart());
      }
    }
    return references;
  }

  /** The resources of {@code type} matching {@code name=value} that the requester may see. */
  private List<IBaseResource> visibleMatches(
      RequestDetails request, Requester requester, String type, String name, String value) {
    if (!fhir.getResourceTypes().contains(type)) {
      throw new InvalidRequestException("'" + type + "' is not a resource type");
    }
    Map<String, String[]> inner = new LinkedHashMap<>();
    inner.put(name, new String[] {value});
    resolve(request, requester, type, inner);
    views
        .view(
            requester,
            type,
            RequestState.generation(request, cache),
            RequestState.labelsGeneration(request))
        .parameters()
        .forEach((parameter, narrowing) -> add(inner, parameter, narrowing));
    List<IBaseResource> found =
        searches.load(type, searches.query(type, inner, Set.of()), MAX_MATCHES);
    if (found.size() > MAX_MATCHES) {
      throw new InvalidRequestException(
          "'"
              + name
              + "="
              + value
              + "' matches more than "
              + MAX_MATCHES
              + " "
              + type
              + " resources, each decided on its own: narrow it");
    }
    List<IBaseResource> visible = new ArrayList<>();
    for (IBaseResource resource : found) {
      if (enforcement.decide(request, requester, resource, false)) {
        visible.add(resource);
      }
    }
    return visible;
  }

  private static void add(Map<String, String[]> parameters, String name, Set<String> values) {
    add(parameters, name, values.isEmpty() ? NONE : String.join(",", values));
  }

  private static void add(Map<String, String[]> parameters, String name, String value) {
    String[] existing = parameters.get(name);
    if (existing == null) {
      parameters.put(name, new String[] {value});
    } else {
      String[] all = java.util.Arrays.copyOf(existing, existing.length + 1);
      all[existing.length] = value;
      parameters.put(name, all);
    }
  }
}
