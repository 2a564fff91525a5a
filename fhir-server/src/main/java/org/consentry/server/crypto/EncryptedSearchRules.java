package org.consentry.server.crypto;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.entity.Search;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Searches on encrypted Patient fields, rewritten to blind-index tokens just before HAPI runs them
 * ({@code STORAGE_PRESEARCH_REGISTERED}, registered with the JPA interceptor service, so REST
 * searches, {@code _count}-only searches and internal searches all pass here). HAPI has already
 * computed the query string it keeps in {@code HFJ_SEARCH} by then, so the rewritten one replaces
 * it there and the search is marked never to be reused: no plaintext of a searched identifier or
 * name is stored. (Rewriting the REST parameters at {@code SERVER_INCOMING_REQUEST_PRE_HANDLED} was
 * tried: HAPI 8.8 parses the search from the parameters before that hook's changes apply.)
 *
 * <p>Served: {@code identifier=system|value}, {@code identifier=value}, and {@code family}, {@code
 * given}, {@code name} (also {@code :exact}) as an exact match of the whole normalized value (case,
 * width and spacing do not matter; HAPI's usual prefix match is not possible on tokens), also as
 * chains ({@code subject:Patient.identifier=...}, {@code patient.family=...}). Everything else on
 * an encrypted field answers 400 with the reason, never a silently empty result: {@code :contains},
 * {@code address*}, {@code telecom}, {@code phone}, {@code email}, {@code phonetic}, {@code
 * Observation?value-string}, and {@code _sort} on any of them.
 */
@Interceptor
final class EncryptedSearchRules {

  static final Map<String, String> NAME_TOKENS =
      Map.of(
          "family",
          BlindIndexTokens.FAMILY,
          "given",
          BlindIndexTokens.GIVEN,
          "name",
          BlindIndexTokens.NAME);
  static final Set<String> UNSEARCHABLE_PATIENT =
      Set.of(
          "address",
          "address-city",
          "address-country",
          "address-postalcode",
          "address-state",
          "address-use",
          "telecom",
          "phone",
          "email",
          "phonetic");
  private static final Set<String> PATIENT_REFERENCES =
      Set.of("patient", "subject", "beneficiary", "individual");

  private final BlindIndexTokens tokens;
  private final FhirContext fhir;

  EncryptedSearchRules(BlindIndexTokens tokens, FhirContext fhir) {
    this.tokens = tokens;
    this.fhir = fhir;
  }

  @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
  public void rewrite(
      ICachedSearchDetails search, SearchParameterMap map, RequestPartitionId partition) {
    if (!rewrites(search.getResourceType(), map)) {
      // only the checks: nothing in it is rewritten, so its query string (which a consent view
      // with many values makes long) need not be built twice to tell
      rewrite(search.getResourceType(), map);
      return;
    }
    String before = map.toNormalizedQueryString(fhir);
    rewrite(search.getResourceType(), map);
    String after = map.toNormalizedQueryString(fhir);
    if (!before.equals(after) && search instanceof Search stored) {
      // HAPI recorded the query string (HFJ_SEARCH) before this hook: record the rewritten one,
      // so no plaintext of an encrypted field is kept there, and never reuse this search
      stored.setSearchQueryString(after, partition);
      search.setCannotBeReused();
    }
  }

  /**
   * Whether {@link #rewrite(String, SearchParameterMap)} can change the search: a Patient search by
   * identifier or name, or a chained reference (a chain on an encrypted Patient field).
   */
  static boolean rewrites(String type, SearchParameterMap map) {
    if ("Patient".equals(type)
        && (map.containsKey("identifier")
            || NAME_TOKENS.keySet().stream().anyMatch(map::containsKey))) {
      return true;
    }
    for (List<List<IQueryParameterType>> and : map.values()) {
      for (List<IQueryParameterType> or :
          and == null ? List.<List<IQueryParameterType>>of() : and) {
        for (IQueryParameterType value : or) {
          if (value instanceof ReferenceParam reference && reference.hasChain()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private void rewrite(String type, SearchParameterMap map) {
    checkSort(type, map.getSort());
    if ("Observation".equals(type) && map.containsKey("value-string")) {
      throw unsupported("Observation?value-string", "Observation.valueString is encrypted");
    }
    if ("Device".equals(type)) {
      for (String name : List.of("identifier", "udi-carrier", "udi-di")) {
        if (map.containsKey(name)) {
          throw unsupported(
              "Device?" + name, "a device's identifiers, serial number and UDI are encrypted");
        }
      }
    }
    if ("Patient".equals(type) && map.containsKey("identifier")) {
      patientParameter(map, "identifier"); // first: name searches add token entries to it
    }
    for (String name : List.copyOf(map.keySet())) {
      if ("Patient".equals(type) && !"identifier".equals(name)) {
        patientParameter(map, name);
      }
      for (List<IQueryParameterType> or :
          map.get(name) == null ? List.<List<IQueryParameterType>>of() : map.get(name)) {
        for (IQueryParameterType value : or) {
          if (value instanceof ReferenceParam reference && reference.hasChain()) {
            chained(name, reference);
          }
        }
      }
    }
  }

  private void patientParameter(SearchParameterMap map, String name) {
    if (UNSEARCHABLE_PATIENT.contains(name)) {
      throw unsupported("Patient?" + name, "the Patient's address and telecom are encrypted");
    }
    if ("identifier".equals(name)) {
      for (List<IQueryParameterType> or : map.get(name)) {
        for (IQueryParameterType value : or) {
          identifierToken((TokenParam) value);
        }
      }
    } else if (NAME_TOKENS.containsKey(name)) {
      for (List<IQueryParameterType> or : map.remove(name)) {
        TokenOrListParam tokenOr = new TokenOrListParam();
        for (IQueryParameterType value : or) {
          tokenOr.add(nameToken(name, (StringParam) value));
        }
        map.add("identifier", tokenOr);
      }
    }
  }

  void identifierToken(TokenParam param) {
    if (param.getModifier() != null || param.getValue() == null) {
      if (param.getModifier() != null) {
        throw unsupported(
            "identifier:" + param.getModifier().getValue(),
            "Patient identifier values are encrypted; "
                + "use identifier=system|value or identifier=value");
      }
      return;
    }
    if (param.getSystem() != null && param.getSystem().startsWith(BlindIndexTokens.PREFIX)) {
      return; // a token already (a search HAPI runs again, e.g. for the next page)
    }
    boolean withSystem = param.getSystem() != null && !param.getSystem().isEmpty();
    String system = withSystem ? BlindIndexTokens.IDENTIFIER : BlindIndexTokens.IDENTIFIER_VALUE;
    String value = withSystem ? param.getSystem() + "|" + param.getValue() : param.getValue();
    param.setSystem(system);
    param.setValue(tokens.token(system, value));
  }

  TokenParam nameToken(String name, StringParam value) {
    if (value.getMissing() != null) {
      throw unsupported(name + ":missing", "the Patient's names are encrypted");
    }
    if (value.isContains()) {
      throw unsupported(
          name + ":contains",
          "the Patient's " + name + " is encrypted and searchable only by exact value");
    }
    return new TokenParam(
        NAME_TOKENS.get(name), tokens.token(NAME_TOKENS.get(name), value.getValue()));
  }

  /**
   * {@code subject:Patient.family=X}: the chained value is a Patient search, rewritten the same
   * way.
   */
  private void chained(String name, ReferenceParam reference) {
    String chain = reference.getChain();
    boolean patientChain =
        "Patient".equals(reference.getResourceType())
            || reference.getResourceType() == null && "patient".equals(name);
    boolean sensitive =
        "identifier".equals(chain)
            || NAME_TOKENS.containsKey(chain)
            || UNSEARCHABLE_PATIENT.contains(chain);
    if (!sensitive || !PATIENT_REFERENCES.contains(name) && !patientChain) {
      return;
    }
    if (!patientChain || chain.contains(".") || UNSEARCHABLE_PATIENT.contains(chain)) {
      throw unsupported(
          name + "." + chain,
          "chained searches on encrypted Patient fields work only as "
              + name
              + ":Patient.identifier, .family, .given or .name");
    }
    String value = reference.getValue();
    if ("identifier".equals(chain)) {
      int bar = value.indexOf('|');
      TokenParam token =
          bar < 0
              ? new TokenParam(value)
              : new TokenParam(value.substring(0, bar), value.substring(bar + 1));
      identifierToken(token);
      reference.setChain("identifier");
      reference.setValue(token.getSystem() + "|" + token.getValue());
    } else {
      TokenParam token = nameToken(chain, new StringParam(value));
      reference.setChain("identifier");
      reference.setValue(token.getSystem() + "|" + token.getValue());
    }
  }

  static void checkSort(String type, SortSpec sort) {
    for (SortSpec s = sort; s != null; s = s.getChain()) {
      String param = s.getParamName();
      boolean patientField =
          "Patient".equals(type)
              && (NAME_TOKENS.containsKey(param)
                  || UNSEARCHABLE_PATIENT.contains(param)
                  || "identifier".equals(param));
      if (patientField || "Observation".equals(type) && "value-string".equals(param)) {
        throw unsupported("_sort=" + param, "sorting needs the plaintext of an encrypted field");
      }
    }
  }

  static InvalidRequestException unsupported(String what, String why) {
    return new InvalidRequestException(
        "Search "
            + what
            + " is not supported: "
            + why
            + " (field-level encryption; see README, Encryption).");
  }
}
