package org.consentry.server.door;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.NumberParam;
import ca.uhn.fhir.rest.param.QuantityParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Values of a type's own search parameters, or of a chain's last one, that would fail later with a
 * 500: a {@code near} position that is not numbers; a number or quantity beyond what the database's
 * floating-point index can compare (HAPI widens the value by its precision and PostgreSQL refuses
 * the result); a date, number or quantity HAPI cannot read (which HAPI answers as a 500 inside a
 * batch or transaction entry). Each is refused with a 400 that names the parameter.
 */
final class SearchValues {

  /** The largest magnitude compared: far beyond any measurement, well inside a double. */
  private static final BigDecimal LIMIT = new BigDecimal("1e300");

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Pattern COMPOSITE_SEPARATOR = Pattern.compile("(?<!\\\\)\\$");
  private static final Pattern PREFIX = Pattern.compile("^(eq|ne|gt|lt|ge|le|sa|eb|ap)");
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final String DATE =
      "it must be a date (yyyy, yyyy-mm, yyyy-mm-dd or a dateTime), with an optional prefix in"
          + " lower case (eq, ne, gt, lt, ge, le, sa, eb, ap)";
  private static final String NUMBER =
      "it must be a number no larger than 1e300, with an optional prefix in lower case (eq, ne,"
          + " gt, lt, ge, le, sa, eb, ap), and for a quantity an optional |system|code";

  private final ISearchParamRegistry registry;

  SearchValues(ISearchParamRegistry registry) {
    this.registry = registry;
  }

  /**
   * The values of one of the searched type's own parameters, or of the last parameter of a chain
   * ({@code location:Location.near=...}) for each type its link may reach.
   */
  void checkOwn(String resourceType, String name, String[] values) {
    if (resourceType == null) {
      return;
    }
    if (name.contains(".")) {
      checkChain(resourceType, name, values);
      return;
    }
    String base = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
    RuntimeSearchParam known =
        registry.getActiveSearchParam(
            resourceType, base, ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH);
    if (known != null && known.getParamType() == RestSearchParameterTypeEnum.COMPOSITE) {
      checkComposite(known, name, values);
    } else if (known != null) {
      check(known, name, values);
    }
  }

  /**
   * A composite's value is its components' values joined by {@code $} (code$value), each one
   * checked as its own parameter's: HAPI fails on a part that is missing.
   */
  private void checkComposite(RuntimeSearchParam composite, String name, String[] values) {
    if (name.contains(":")) {
      return; // :missing, HAPI's to judge
    }
    List<RuntimeSearchParam> parts = new ArrayList<>();
    for (RuntimeSearchParam.Component component : composite.getComponents()) {
      RuntimeSearchParam part =
          registry.getActiveSearchParamByUrl(
              component.getReference(), ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH);
      if (part != null) {
        parts.add(part);
      }
    }
    int expected = Math.max(parts.size(), 2);
    for (String value : values) {
      for (String each : value == null ? new String[0] : value.split(",", -1)) {
        if (each.isEmpty()) {
          continue;
        }
        String[] pieces = COMPOSITE_SEPARATOR.split(each, -1);
        if (pieces.length != expected || Arrays.stream(pieces).anyMatch(String::isBlank)) {
          throw refused(
              name,
              each,
              "it must be "
                  + expected
                  + " values joined by $, none empty (such as http://loinc.org|8480-6$gt100)");
        }
        for (int i = 0; i < parts.size() && parts.size() == pieces.length; i++) {
          check(parts.get(i), name, new String[] {pieces[i]});
        }
      }
    }
  }

  private void checkChain(String resourceType, String name, String[] values) {
    int dot = name.indexOf('.');
    String head = name.substring(0, dot);
    String rest = name.substring(dot + 1);
    int colon = head.indexOf(':');
    RuntimeSearchParam reference =
        registry.getActiveSearchParam(
            resourceType,
            colon < 0 ? head : head.substring(0, colon),
            ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH);
    if (reference == null || reference.getParamType() != RestSearchParameterTypeEnum.REFERENCE) {
      return; // not a chain the door admits: refused there
    }
    for (String target : colon < 0 ? reference.getTargets() : Set.of(head.substring(colon + 1))) {
      try {
        checkOwn(target, rest, values);
      } catch (InvalidRequestException refused) {
        // name the whole chain, as the client wrote it
        throw new InvalidRequestException(
            refused.getMessage().replace("parameter '" + rest + "'", "parameter '" + name + "'"));
      }
    }
  }

  /**
   * Refuses, with a 400 that names the parameter, a value of this parameter that would fail inside
   * HAPI or the database.
   */
  private static void check(RuntimeSearchParam parameter, String name, String[] values) {
    RestSearchParameterTypeEnum type = parameter.getParamType();
    boolean near =
        type == RestSearchParameterTypeEnum.SPECIAL && "near".equals(parameter.getName());
    boolean numeric =
        type == RestSearchParameterTypeEnum.NUMBER || type == RestSearchParameterTypeEnum.QUANTITY;
    boolean date = type == RestSearchParameterTypeEnum.DATE;
    if (!near && !numeric && !date) {
      return; // other types are HAPI's to judge
    }
    if (name.contains(":")) {
      String modifier = name.substring(name.indexOf(':') + 1);
      if ("missing".equals(modifier)) {
        return; // true or false: HAPI's to judge
      }
      // these types take no other modifier (a condition such as If-None-Exist: near:x=...)
      throw refused(
          name,
          values.length == 0 ? "" : String.valueOf(values[0]),
          "the modifier ':" + modifier + "' is not offered on this parameter");
    }
    for (String value : values) {
      for (String each : value == null ? new String[0] : value.split(",", -1)) {
        if (each.isEmpty()) {
          continue; // an empty value is no criterion
        }
        if (near) {
          checkNear(name, each);
        } else if (date) {
          read(
              name, each, DATE, () -> new DateParam().setValueAsQueryToken(FHIR, name, null, each));
        } else {
          checkNumber(name, PREFIX.matcher(each).replaceFirst("").split("\\|", 2)[0]);
          read(
              name,
              each,
              NUMBER,
              () ->
                  (type == RestSearchParameterTypeEnum.NUMBER
                          ? new NumberParam()
                          : new QuantityParam())
                      .setValueAsQueryToken(FHIR, name, null, each));
        }
      }
    }
  }

  /**
   * HAPI's own reading of the value, as the search will read it: inside a batch or transaction
   * entry HAPI answers its failure as a 500.
   */
  private static void read(String name, String value, String why, Runnable reading) {
    try {
      reading.run();
    } catch (RuntimeException e) {
      throw refused(name, value, why);
    }
  }

  private static void checkNear(String name, String value) {
    String[] parts = value.split("\\|", -1);
    if (parts.length < 2 || parts.length > 4) {
      throw refused(name, value, "it must be latitude|longitude[|distance[|units]]");
    }
    for (int i = 0; i < Math.min(parts.length, 3); i++) {
      if (!(i == 2 && parts[i].isEmpty())) {
        number(name, value, parts[i], "latitude, longitude and distance must be decimal numbers");
      }
    }
  }

  private static void checkNumber(String name, String number) {
    if (!DECIMAL.matcher(number.trim()).matches()) {
      return; // not a number at all: HAPI's reading refuses it
    }
    number(name, number, number, NUMBER);
  }

  private static void number(String name, String value, String number, String why) {
    BigDecimal parsed;
    try {
      parsed = new BigDecimal(number.trim());
    } catch (NumberFormatException e) {
      throw refused(name, value, why);
    }
    if (parsed.abs().compareTo(LIMIT) > 0) {
      throw refused(name, value, why);
    }
  }

  private static InvalidRequestException refused(String name, String value, String why) {
    String shown = value.length() > 60 ? value.substring(0, 60) + "..." : value;
    return new InvalidRequestException(
        "The value '" + shown + "' of search parameter '" + name + "' is not accepted: " + why);
  }
}
