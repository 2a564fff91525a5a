package org.consentry.server.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The patients a type search is certainly limited to by its own parameters, if they are few: every
 * match then belongs to one of them. A search is limited to patients when one of its parameters,
 * without a modifier other than {@code :Patient}, is
 *
 * <ul>
 *   <li>a Patient compartment parameter of the type (Observation {@code patient}, {@code subject},
 *       {@code performer}; Patient {@code link}...), as HAPI defines it and not redefined on this
 *       server, whose every value is {@code Patient/id}, or a plain id where the parameter refers
 *       only to Patient (or has the {@code :Patient} modifier): a match references one of them
 *       there, so each is among its owners ({@link org.consentry.server.fhir.PatientCompartment});
 *   <li>{@code _id} in a search of Patient: a Patient belongs to itself.
 * </ul>
 *
 * Several such parameters are AND'ed, so any one of them limits the search; the smallest is taken.
 * Anything else (other modifiers, {@code :missing}, other types of reference, absolute or versioned
 * references, escapes, more than {@value #MAX_PATIENTS} patients) limits nothing. Chains and {@code
 * _has} are to be resolved first ({@link LinkedSearches}), into references and ids.
 */
final class PatientScope {

  static final int MAX_PATIENTS = 20;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private final FhirContext fhir;
  private final BiFunction<String, String, RuntimeSearchParam> active;

  /**
   * @param active the parameter of a type by name as this server searches it (the search parameter
   *     registry), or null
   */
  PatientScope(FhirContext fhir, BiFunction<String, String, RuntimeSearchParam> active) {
    this.fhir = fhir;
    this.active = active;
  }

  /** The few patients every match of {@code type?parameters} belongs to, if the search says so. */
  Optional<Set<String>> patients(String type, Map<String, String[]> parameters) {
    if (!fhir.getResourceTypes().contains(type)) {
      return Optional.empty();
    }
    Set<String> smallest = null;
    for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
      for (String value : parameter.getValue()) {
        Set<String> patients = patients(type, parameter.getKey(), value);
        if (patients != null && (smallest == null || patients.size() < smallest.size())) {
          smallest = patients;
        }
      }
    }
    return Optional.ofNullable(smallest);
  }

  /** The patients one parameter value limits the search to, or null. */
  private Set<String> patients(String type, String name, String value) {
    if (value == null || value.isEmpty() || value.contains("\\")) {
      return null;
    }
    int colon = name.indexOf(':');
    String base = colon < 0 ? name : name.substring(0, colon);
    String modifier = colon < 0 ? null : name.substring(colon + 1);
    boolean plainIds;
    if ("_id".equals(base)) {
      if (!"Patient".equals(type) || modifier != null) {
        return null;
      }
      plainIds = true;
    } else {
      if (modifier != null && !"Patient".equals(modifier)) {
        return null;
      }
      RuntimeSearchParam compartmentLink = compartmentLink(type, base);
      if (compartmentLink == null) {
        return null;
      }
      plainIds = modifier != null || Set.of("Patient").equals(compartmentLink.getTargets());
    }
    String[] items = value.split(",", -1);
    if (items.length > MAX_PATIENTS) {
      return null;
    }
    Set<String> patients = new TreeSet<>();
    for (String item : items) {
      String id = item.startsWith("Patient/") && modifier == null ? item.substring(8) : null;
      if (id == null && plainIds && !item.contains("/")) {
        id = item;
      }
      if (id == null || !ID.matcher(id).matches()) {
        return null;
      }
      patients.add(id);
    }
    return patients;
  }

  /**
   * The type's parameter of that name if it is one of HAPI's Patient compartment parameters of the
   * type, a reference, and this server searches it as HAPI defines it.
   */
  private RuntimeSearchParam compartmentLink(String type, String name) {
    RuntimeResourceDefinition definition = fhir.getResourceDefinition(type);
    RuntimeSearchParam builtIn = definition.getSearchParam(name);
    if (builtIn == null
        || builtIn.getParamType() != RestSearchParameterTypeEnum.REFERENCE
        || definition.getSearchParamsForCompartmentName("Patient").stream()
            .noneMatch(link -> link.getName().equals(name))) {
      return null;
    }
    RuntimeSearchParam searched = active.apply(type, name);
    if (searched == null
        || searched.getParamType() != RestSearchParameterTypeEnum.REFERENCE
        || !searchedAsBuiltIn(type, searched.getPath(), builtIn.getPath())) {
      return null;
    }
    return builtIn;
  }

  /**
   * Whether the path this server indexes the parameter with finds, in resources of the type, only
   * what the built-in compartment parameter's path finds. HAPI's shared parameters carry one path
   * for many types ({@code clinical-patient}: {@code AllergyIntolerance.patient | ... |
   * Observation.subject.where(resolve() is Patient) | ...}): the parts for other types do not
   * apply; a part for any type (such as {@code Resource.}) or one the built-in path lacks does.
   */
  private boolean searchedAsBuiltIn(String type, String searched, String builtIn) {
    if (searched == null || builtIn == null) {
      return false;
    }
    Set<String> builtInParts = new TreeSet<>();
    for (String part : builtIn.split("\\|")) {
      builtInParts.add(part.trim());
    }
    boolean any = false;
    for (String part : searched.split("\\|")) {
      String trimmed = part.trim();
      int dot = trimmed.indexOf('.');
      String head = dot < 0 ? trimmed : trimmed.substring(0, dot);
      if (head.equals(type)) {
        if (!builtInParts.contains(trimmed)) {
          return false;
        }
        any = true;
      } else if (!fhir.getResourceTypes().contains(head)) {
        return false; // Resource., DomainResource., a function: may apply to the type
      }
    }
    return any;
  }
}
