package org.consentry.server.door;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The search parameters, modifiers and values the door admits. A search may use the searched
 * type's own parameters with the modifiers that only look at the resource itself, plus the
 * result parameters below; anything that tests other resources ({@code _has}, chains,
 * {@code _filter}, {@code _list}, ...) or that FHIR servers do not agree on is refused with 400,
 * and so is a value HAPI would choke on (control characters, numbers out of range).
 */
final class SearchParameters {

	/** Result and paging parameters, with what each needs of its value. */
	private static final Set<String> RESULT = Set.of(
			"_count", "_offset", "_sort", "_include", "_revinclude", "_elements", "_summary", "_total", "_format",
			"_pretty", "_type");
	/** Parameters of every resource that look only at the resource itself. */
	private static final Set<String> COMMON = Set.of("_id", "_lastUpdated", "_tag", "_security", "_profile", "_source");
	/** Refused, with the reason. */
	private static final Map<String, String> REFUSED = Map.of(
			"_has", "it tests other resources, which patients' consent may hide",
			"_filter", "its expressions can test other resources, which patients' consent may hide",
			"_text", "full-text search over resources is not offered (no full-text index holds patient data)",
			"_content", "full-text search over resources is not offered (no full-text index holds patient data)",
			"_list", "it tests List resources, which patients' consent may hide",
			"_query", "named queries are not offered",
			"_contained", "searching contained resources is not offered",
			"_containedType", "searching contained resources is not offered");
	/** The parameters of a page link, which HAPI writes itself. */
	static final Set<String> PAGE = Set.of(
			"_getpages", "_getpagesoffset", "_count", "_bundletype", "_format", "_pretty", "_elements", "_summary",
			"_offset");
	/** Parameters any interaction may carry: the response format. */
	static final Set<String> FORMAT = Set.of("_format", "_pretty", "_summary", "_elements");
	static final Set<String> HISTORY = Set.of("_count", "_since", "_at", "_format", "_pretty", "_summary", "_elements");

	private static final Map<RestSearchParameterTypeEnum, Set<String>> MODIFIERS = Map.of(
			RestSearchParameterTypeEnum.TOKEN, Set.of("not", "text", "above", "below", "in", "not-in", "of-type", "missing"),
			RestSearchParameterTypeEnum.STRING, Set.of("exact", "contains", "missing"),
			RestSearchParameterTypeEnum.REFERENCE, Set.of("identifier", "missing"),
			RestSearchParameterTypeEnum.URI, Set.of("above", "below", "missing"),
			RestSearchParameterTypeEnum.DATE, Set.of("missing"),
			RestSearchParameterTypeEnum.NUMBER, Set.of("missing"),
			RestSearchParameterTypeEnum.QUANTITY, Set.of("missing"));

	private static final Pattern PAGE_ID = Pattern.compile("[A-Za-z0-9\\-]{1,64}");
	private static final Pattern INCLUDE = Pattern.compile("\\*|[A-Z][A-Za-z]+:[a-z][A-Za-z0-9\\-]*(:[A-Z][A-Za-z]+)?");

	private final ISearchParamRegistry registry;

	SearchParameters(ISearchParamRegistry registry) {
		this.registry = registry;
	}

	/** A search of a type: its own parameters and the result parameters. */
	void checkSearch(String resourceType, Map<String, String[]> parameters) {
		for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
			String name = parameter.getKey();
			checkText(name, parameter.getValue());
			if (RESULT.contains(name) || name.startsWith("_include:") || name.startsWith("_revinclude:")) {
				checkResult(name, parameter.getValue());
				continue;
			}
			String base = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
			String modifier = name.contains(":") ? name.substring(name.indexOf(':') + 1) : null;
			if (REFUSED.containsKey(base)) {
				throw refused(name, REFUSED.get(base));
			}
			if (name.contains(".")) {
				throw refused(name, "chained parameters test other resources, which patients' consent may hide;"
						+ " search those resources directly instead");
			}
			RuntimeSearchParam known = resourceType == null ? null : registry.getActiveSearchParam(resourceType, base,
					ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH);
			if (known == null && resourceType == null && COMMON.contains(base) && modifier == null) {
				continue; // _id, _lastUpdated, ... across types
			}
			if (known == null) {
				throw refused(name, "it is not a search parameter of " + (resourceType == null ? "a system search"
						: resourceType) + (COMMON.contains(base) ? "" : " on this server"));
			}
			if (modifier != null && !modifierAllowed(known, modifier)) {
				throw refused(name, "the modifier ':" + modifier + "' is not offered on " + known.getParamType()
						.name().toLowerCase(java.util.Locale.ROOT) + " parameters");
			}
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

	/** Values no parameter may hold: control characters, and numbers out of range for the paging parameters. */
	void checkValues(String name, String[] values) {
		checkText(name, values);
		if (Set.of("_count", "_offset", "_getpagesoffset").contains(name)) {
			checkResult(name, values);
		}
	}

	private static boolean modifierAllowed(RuntimeSearchParam parameter, String modifier) {
		if (parameter.getParamType() == RestSearchParameterTypeEnum.REFERENCE && modifier.matches("[A-Z][A-Za-z]+")) {
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
					if ("count".equals(value)) {
						throw refused(name + "=count", "counts are not offered yet; page through the results instead");
					}
					if (!Set.of("true", "false", "text", "data").contains(value)) {
						throw refused(name, "it must be true, false, text or data");
					}
				}
				case "_total" -> {
					if (!"none".equals(value)) {
						throw refused(name + "=" + value, "totals are not offered yet; page through the results instead");
					}
				}
				case "_include", "_revinclude", "_include:iterate", "_revinclude:iterate", "_include:recurse",
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
				throw new InvalidRequestException("The value of parameter '" + name + "' contains a control character:"
						+ " remove it");
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
		return new InvalidRequestException("Search parameter '" + parameter + "' is not supported: " + why);
	}
}
