package org.consentry.server.fhir;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.entity.BaseResourceIndexedSearchParam;
import ca.uhn.fhir.jpa.model.entity.ResourceIndexedSearchParamToken;
import ca.uhn.fhir.jpa.searchparam.extractor.SearchParamExtractorR4;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;

/**
 * HAPI's R4 search index extraction, plus the values of the {@link OwnerIndex} parameters, computed
 * from the resource as it is stored (whatever a client wrote under those names is dropped). Every
 * write and every {@code $reindex} passes here, so the indexes follow each version of a resource.
 */
final class OwnerIndexingExtractor extends SearchParamExtractorR4 {

  private final PatientCompartment compartment;
  private final PartitionSettings partitions;
  private final ISearchParamRegistry registry;
  private final CarriedLabels carried;

  OwnerIndexingExtractor(
      PatientCompartment compartment,
      PartitionSettings partitions,
      ISearchParamRegistry registry,
      CarriedLabels carried) {
    this.compartment = compartment;
    this.partitions = partitions;
    this.registry = registry;
    this.carried = carried;
  }

  @Override
  public SearchParamSet<BaseResourceIndexedSearchParam> extractSearchParamTokens(
      IBaseResource resource, ISearchParamFilter filter) {
    // HAPI would evaluate the declared expressions of these parameters with FHIRPath for every
    // resource; their values are computed below instead, so HAPI is not asked for them
    SearchParamSet<BaseResourceIndexedSearchParam> tokens =
        super.extractSearchParamTokens(resource, withoutOwnerIndexes(filter));
    tokens.removeIf(token -> token.getParamName().startsWith(OwnerIndex.PREFIX));
    String type = getContext().getResourceType(resource);
    if (!compartment.mayHaveOwners(type) || !wanted(type, filter)) {
      return tokens;
    }
    Set<String> owners = compartment.owners(resource);
    List<Coding> labels = owners.isEmpty() ? List.of() : coded(OwnerIndex.labels(resource));
    carried.report(type, labels);
    for (String owner : OwnerIndex.ownerValues(owners)) {
      tokens.add(
          new ResourceIndexedSearchParamToken(partitions, type, OwnerIndex.OWNER, null, owner));
    }
    for (String owner : owners) {
      for (Coding label : labels) {
        tokens.add(
            new ResourceIndexedSearchParamToken(
                partitions,
                type,
                OwnerIndex.OWNER_LABEL,
                label.getSystem(),
                OwnerIndex.ownerLabel(owner, label.getCode())));
      }
    }
    return tokens;
  }

  private static List<Coding> coded(List<Coding> labels) {
    return labels.stream().filter(Coding::hasCode).toList();
  }

  private static ISearchParamFilter withoutOwnerIndexes(ISearchParamFilter filter) {
    return params ->
        filter.filterSearchParams(params).stream()
            .filter(param -> !param.getName().startsWith(OwnerIndex.PREFIX))
            .toList();
  }

  /**
   * Only when the parameters are declared and the caller asked for them (a partial reindex may
   * not).
   */
  private boolean wanted(String type, ISearchParamFilter filter) {
    RuntimeSearchParam owner =
        registry.getActiveSearchParam(
            type, OwnerIndex.OWNER, ISearchParamRegistry.SearchParamLookupContextEnum.INDEX);
    if (owner == null) {
      return false;
    }
    List<RuntimeSearchParam> asked = new ArrayList<>(filter.filterSearchParams(List.of(owner)));
    return !asked.isEmpty();
  }
}
