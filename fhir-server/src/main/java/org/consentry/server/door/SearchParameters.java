package org.consentry.server.door;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.consentry.server.fhir.OwnerIndex;

/**
 * The search parameters, modifiers and values the door admits. A search may use the searched type's
 * own parameters with the modifiers that only look at the resource itself, plus the result
 * parameters below, chained parameters and {@code _has} through types the requester may search
 * (resolved through what it may see by the consent step); {@code _filter}, {@code _list}, full text
 * and what FHIR servers do not agree on are refused with 400, and so is a value HAPI would choke on
 * (control characters, numbers out of range), and any use of the server's own owner indexes.
 */
final class SearchParameters {

  /** Result and paging parameters, with what each needs of its value. */
  private static final Set<String> RESULT =
      Set.of(
          "_count",
          "_offset",
          "_sort",
          "_include",
          "_revinclude",
          "_elements",
          "_summary",
          "_total",
          "_format",
          "_pretty",
          "_type");

  /** Parameters of every resource that look only at the resource itself. */
  private static final Set<String> COMMON =
      Set.of("_id", "_lastUpdated", "_tag", "_security", "_profile", "_source");

  /** Refused, with the reason. */
  private static final Map<String, String> REFUSED =
      Map.of(
          "_filter", "its expressions can test other resources, which patients' consent may hide",
          "_text",
              "full-text search over resources is not offered (no full-text index holds patient data)",
          "_content",
              "full-text search over resources is not offered (no full-text index holds patient data)",
          "_list", "it tests List resources, which patients' consent may hide",
          "_query", "named queries are not offered",
          "_contained", "searching contained resources is not offered",
          "_containedType", "searching contained resources is not offered");

  /**
   * The parameters of a page link, which HAPI writes itself (the includes of the search among them:
   * HAPI reads them to mark included resources; every resource shown passes consent).
   */
  static final Set<String> PAGE =
      Set.of(
          "_getpages",
          "_include",
          "_include:iterate",
          "_include:recurse",
          "_revinclude",
          "_revinclude:iterate",
          "_revinclude:recurse",
          "_getpagesoffset",
          "_count",
          "_bundletype",
          "_format",
          "_pretty",
          "_elements",
          "_summary",
          "_offset");

  /** Parameters any interaction may carry: the response format. */
  static final Set<String> FORMAT = Set.of("_format", "_pretty", "_summary", "_elements");

  static final Set<String> HISTORY =
      Set.of("_count", "_since", "_at", "_format", "_pretty", "_summary", "_elements");

  private static final Map<RestSearchParameterTypeEnum, Set<String>> MODIFIERS =
      Map.of(
          RestSearchParameterTypeEnum.TOKEN,
              Set.of("not", "text", "above", "below", "in", "not-in", "of-type", "missing"),
          RestSearchParameterTypeEnum.STRING, Set.of("exact", "contains", "missing"),
          RestSearchParameterTypeEnum.REFERENCE, Set.of("identifier", "missing"),
          RestSearchParameterTypeEnum.URI, Set.of("above", "below", "missing"),
          RestSearchParameterTypeEnum.DATE, Set.of("missing"),
          RestSearchParameterTypeEnum.NUMBER, Set.of("missing"),
          RestSearchParameterTypeEnum.QUANTITY, Set.of("missing"));

  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
  private static final int MAX_LINKS = 3;
  private static final int MAX_REPEATS = 10;
  private static final Pattern PAGE_ID = Pattern.compile("[A-Za-z0-9\\-]{1,64}");
  private static final Pattern INCLUDE =
      Pattern.compile("\\*|[A-Z][A-Za-z]+:[a-z][A-Za-z0-9\\-]*(:[A-Z][A-Za-z]+)?");

  private final ISearchParamRegistry registry;
  private final SearchValues values;

  SearchParameters(ISearchParamRegistry registry) {
    this.registry = registry;
    this.values = new SearchValues(registry);
  }

  /** A search of a type: its own parameters and the result parameters. */
  void checkSearch(String resourceType, Map<String, String[]> parameters) {
    checkSearch(resourceType, parameters, type -> {});
  }

  /**
   * A search of a type: its own parameters, chains and {@code _has} through other types (each of
   * which {@code linkedType} must admit), and the result parameters.
   */
  void checkSearch(
      String resourceType, Map<String, String[]> parameters, Consumer<String> linkedType) {
    for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
      String name = parameter.getKey();
      checkText(name, parameter.getValue());
      if (RESULT.contains(name)
          || name.startsWith("_include:")
          || name.startsWith("_revinclude:")) {
        checkResult(name, parameter.getValue());
        continue;
      }
      if (parameter.getValue().length > MAX_REPEATS) {
        // each repetition is one more join of an index table: dozens make a query the database
        // cannot plan in time
        throw refused(
            name, "a search may repeat a parameter at most " + MAX_REPEATS + " times (AND)");
      }
      checkParameter(resourceType, name, linkedType, 0);
      values.checkOwn(resourceType, name, parameter.getValue());
    }
  }

  /**
   * The values alone of a search (control characters, and what {@link SearchValues} refuses), for a
   * search inside a batch or transaction, whose names are checked as HAPI runs the entry.
   */
  void checkValuesOf(String resourceType, Map<String, String[]> parameters) {
    for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
      checkText(parameter.getKey(), parameter.getValue());
      values.checkOwn(resourceType, parameter.getKey(), parameter.getValue());
    }
  }

  private void checkParameter(
      String resourceType, String name, Consumer<String> linkedType, int depth) {
    if (depth > MAX_LINKS) {
      throw refused(name, "chains and _has nest at most " + MAX_LINKS + " deep");
    }
    String base = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
    String modifier = name.contains(":") ? name.substring(name.indexOf(':') + 1) : null;
    if (base.startsWith(OwnerIndex.PREFIX)) {
      throw refused(name, "it is an index the server keeps for itself");
    }
    if (REFUSED.containsKey(base)) {
      throw refused(name, REFUSED.get(base));
    }
    if ("_has".equals(base)) {
      checkHas(resourceType, name, linkedType, depth);
      return;
    }
    if (name.contains(".") && !base.startsWith("_")) {
      checkChain(resourceType, name, linkedType, depth);
      return;
    }
    RuntimeSearchParam known =
        resourceType == null
            ? null
            : registry.getActiveSearchParam(
                resourceType, base, ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH);
    if (known == null && resourceType == null && COMMON.contains(base) && modifier == null) {
      return; // _id, _lastUpdated, ... across types
    }
    if (known == null) {
      throw refused(
          name,
          "it is not a search parameter of "
              + (resourceType == null ? "a system search" : resourceType)
              + (COMMON.contains(base) ? "" : " on this server"));
    }
    if (modifier != null && !modifierAllowed(known, modifier)) {
      throw refused(
          name,
          "the modifier ':"
              + modifier
              + "' is not offered on "
              + known.getParamType().name().toLowerCase(java.util.Locale.ROOT)
              + " parameters");
    }
  }

  /** {@code _has:Type:reference:parameter}: Type's reference must point at the searched type. */
  private void checkHas(String resourceType, String name, Consumer<String> linkedType, int depth) {
    String[] parts = name.split(":", 4);
    if (resourceType == null || parts.length < 4 || !TYPE.matcher(parts[1]).matches()) {
      throw refused(name, "use _has:Type:reference:parameter in a search of one type");
    }
    RuntimeSearchParam reference =
        registry.getActiveSearchParam(
            parts[1], parts[2], ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH);
    if (reference == null
        || reference.getParamType() != RestSearchParameterTypeEnum.REFERENCE
        || !(reference.getTargets().isEmpty() || reference.getTargets().contains(resourceType))) {
      throw refused(
          name, "'" + parts[2] + "' is not a reference from " + parts[1] + " to " + resourceType);
    }
    linkedType.accept(parts[1]);
    checkInner(name, parts[1], parts[3], linkedType, depth);
  }

  /** The inner parameter of a chain or {@code _has}; a refusal names the whole parameter. */
  private void checkInner(
      String whole, String type, String inner, Consumer<String> linkedType, int depth) {
    try {
      checkParameter(type, inner, linkedType, depth + 1);
    } catch (InvalidRequestException refusedInner) {
      if (refusedInner.getMessage() != null
          && refusedInner.getMessage().contains("'" + whole + "'")) {
        throw refusedInner;
      }
      String why = refusedInner.getMessage().replaceFirst("^.*? is not supported: ", "");
      throw refused(whole, "'" + inner + "' on " + type + ": " + why);
    }
  }

  /** {@code reference[:Type].parameter}: a reference parameter, then a parameter of its target. */
  private void checkChain(
      String resourceType, String name, Consumer<String> linkedType, int depth) {
    int dot = name.indexOf('.');
    String head = name.substring(0, dot);
    String rest = name.substring(dot + 1);
    String referenceName = head.contains(":") ? head.substring(0, head.indexOf(':')) : head;
    String target = head.contains(":") ? head.substring(head.indexOf(':') + 1) : null;
    RuntimeSearchParam reference =
        resourceType == null
            ? null
            : registry.getActiveSearchParam(
                resourceType,
                referenceName,
                ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH);
    if (reference == null
        || reference.getParamType() != RestSearchParameterTypeEnum.REFERENCE
        || rest.isEmpty()) {
      throw refused(
          name, "'" + referenceName + "' is not a reference parameter of " + resourceType);
    }
    if (target != null
        && !(TYPE.matcher(target).matches()
            && (reference.getTargets().isEmpty() || reference.getTargets().contains(target)))) {
      throw refused(name, "'" + referenceName + "' does not refer to '" + target + "'");
    }
    String innerBase = rest.split("[:.]", 2)[0];
    java.util.List<String> targets = new java.util.ArrayList<>();
    for (String each : target != null ? Set.of(target) : reference.getTargets()) {
      if (innerBase.startsWith("_")
          || registry.getActiveSearchParam(
                  each, innerBase, ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH)
              != null) {
        targets.add(each);
      }
    }
    if (targets.isEmpty()) {
      throw refused(
          name, "no type '" + referenceName + "' refers to has the parameter '" + innerBase + "'");
    }
    for (String each : targets) {
      linkedType.accept(each);
      checkInner(name, each, rest, linkedType, depth);
    }
  }

  /** Any other interaction: only the listed parameter names, values checked. */
  void checkOnly(Set<String> allowed, Map<String, String[]> parameters, String what) {
    for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
      checkText(parameter.getKey(), parameter.getValue());
      if (!allowed.contains(parameter.getKey())) {
        throw refused(parameter.getKey(), "it is not a parameter of " + what);
      }
      checkResult(parameter.getKey(), parameter.getValue());
    }
  }

  /**
   * Values no parameter may hold: control characters, and numbers out of range for the paging
   * parameters.
   */
  void checkValues(String name, String[] values) {
    checkText(name, values);
    if (Set.of("_count", "_offset", "_getpagesoffset").contains(name)) {
      checkResult(name, values);
    }
  }

  private static boolean modifierAllowed(RuntimeSearchParam parameter, String modifier) {
    if (parameter.getParamType() == RestSearchParameterTypeEnum.REFERENCE
        && modifier.matches("[A-Z][A-Za-z]+")) {
      return true; // a type modifier (subject:Patient=123) narrows the reference itself
    }
    return MODIFIERS.getOrDefault(parameter.getParamType(), Set.of()).contains(modifier);
  }

  private static void checkResult(String name, String[] values) {
    for (String value : values) {
      switch (name) {
        case "_count" -> number(name, value, 0, 10_000);
        case "_offset" -> number(name, value, 0, 100_000);
        case "_type" -> {
          if (!value.matches("[A-Z][A-Za-z]+(,[A-Z][A-Za-z]+)*")) {
            throw refused(name, "it must be a comma-separated list of resource types");
          }
        }
        case "_getpagesoffset" -> number(name, value, 0, 1_000_000);
        case "_getpages" -> {
          if (!PAGE_ID.matcher(value).matches()) {
            throw refused(name, "it is not a page id");
          }
        }
        case "_summary" -> {
          if (!Set.of("true", "false", "text", "data", "count").contains(value)) {
            throw refused(name, "it must be true, false, text, data or count");
          }
        }
        case "_total" -> {
          if (!Set.of("none", "accurate", "estimate").contains(value)) {
            throw refused(name + "=" + value, "it must be none, estimate or accurate");
          }
        }
        case "_include",
            "_revinclude",
            "_include:iterate",
            "_revinclude:iterate",
            "_include:recurse",
            "_revinclude:recurse" -> {
          if (!INCLUDE.matcher(value).matches()) {
            throw refused(name, "it must be * or Type:parameter[:TargetType]");
          }
        }
        default -> {
          if (name.startsWith("_include:") || name.startsWith("_revinclude:")) {
            throw refused(name, "only the :iterate and :recurse modifiers are offered");
          }
        }
      }
    }
  }

  private static void number(String name, String value, long min, long max) {
    long parsed;
    try {
      parsed = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw refused(name, "it must be a whole number from " + min + " to " + max);
    }
    if (parsed < min || parsed > max) {
      throw refused(name, "it must be a whole number from " + min + " to " + max);
    }
  }

  /** Control characters (NUL among them) are never part of a FHIR parameter. */
  static void checkText(String name, String[] values) {
    if (hasControl(name)) {
      throw new InvalidRequestException("A parameter name contains a control character: remove it");
    }
    for (String value : values) {
      if (hasControl(value)) {
        throw new InvalidRequestException(
            "The value of parameter '" + name + "' contains a control character:" + " remove it");
      }
    }
  }

  static boolean hasControl(String text) {
    if (text == null) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7F || c == '\uFFFE' || c == '\uFFFF') {
        return true;
      }
    }
    return false;
  }

  private static InvalidRequestException refused(String parameter, String why) {
    return new InvalidRequestException(
        "Search parameter '" + parameter + "' is not supported: " + why);
  }
}
