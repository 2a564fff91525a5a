package org.consentry.server.fhir;

import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;

/**
 * Two search indexes the server keeps for itself, so that consent can be part of a search's
 * database query: {@value #OWNER}, the patients a resource belongs to ({@link PatientCompartment}),
 * and {@value #OWNER_LABEL}, each owner combined with each security label of the resource. Their
 * values are computed by the server as it indexes ({@link OwnerIndexingExtractor}), never taken
 * from the resource, and clients cannot search with them (the door refuses the names). An instance
 * of a type that can belong to patients but belongs to nobody is indexed as {@value #NOBODY} (a
 * value no FHIR id can take).
 */
public final class OwnerIndex {

  public static final String OWNER = "consentry-owner";
  public static final String OWNER_LABEL = "consentry-owner-label";
  public static final String NOBODY = "~nobody";

  /** The names clients may not use: everything the server indexes for itself. */
  public static final String PREFIX = "consentry-";

  private static final String URL = "http://consentry.org/fhir/SearchParameter/";

  private OwnerIndex() {}

  /** The token value of an owner and a label code; the label's system is the token's system. */
  public static String ownerLabel(String owner, String code) {
    return owner + "~" + code;
  }

  /** The values of {@value #OWNER} for a resource with these owners. */
  static Set<String> ownerValues(Set<String> owners) {
    return owners.isEmpty() ? Set.of(NOBODY) : owners;
  }

  /** The labels of {@value #OWNER_LABEL}: the resource's security labels. */
  static List<Coding> labels(IBaseResource resource) {
    return resource instanceof Resource r && r.hasMeta() ? r.getMeta().getSecurity() : List.of();
  }

  /** The SearchParameter resources that declare the two indexes, stored at start-up. */
  static List<SearchParameter> declarations() {
    return List.of(
        declaration(OWNER, "The patients a resource belongs to (computed by the server)."),
        declaration(
            OWNER_LABEL,
            "Each owner of a resource with each of its security labels (computed by the"
                + " server)."));
  }

  private static SearchParameter declaration(String code, String description) {
    SearchParameter parameter = new SearchParameter();
    parameter.setId(code);
    parameter.setUrl(URL + code);
    parameter.setName(code);
    parameter.setCode(code);
    parameter.setStatus(Enumerations.PublicationStatus.ACTIVE);
    parameter.setType(Enumerations.SearchParamType.TOKEN);
    parameter.addBase("Resource");
    // never matches anything in a resource: the values come from OwnerIndexingExtractor
    parameter.setExpression("Resource.meta.tag.where(system = '" + URL + code + "')");
    parameter.setDescription(description);
    return parameter;
  }
}
