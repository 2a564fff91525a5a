package org.consentry.server.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.util.FhirTerser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * The targets of a resource's Patient compartment parameters, as HAPI's {@link
 * FhirTerser#getCompartmentOwnersForResource} finds them, with each type's parameter paths parsed
 * once instead of for every resource.
 *
 * <p>R4 writes a compartment path as {@code Observation.performer.where(resolve() is Patient)}: the
 * element's references, kept only when they point to that type. HAPI matches every path against a
 * regular expression each time it evaluates a resource; for a type with many compartment
 * parameters, such as Observation, that matching was most of the cost of deciding who owns a search
 * result. Here the paths of a type are split once into the element path and the wanted type; the
 * references are then read with HAPI's terser and kept by the same rules: the type named by the
 * reference, or else that of the resource it holds; the target's versionless id, or the held
 * resource's own.
 */
final class CompartmentReferences {

  /** {@code PATH.where(resolve() is TYPE)}, the form R4's compartment paths take. */
  private static final Pattern RESOLVES_TO =
      Pattern.compile("([a-zA-Z.]+)\\.where\\(resolve\\(\\) is ([a-zA-Z]+)\\)");

  /** An element path holding references, and the target type wanted (null: any). */
  private record Path(String element, String wantedType) {}

  private final FhirContext fhir;
  private final Map<String, List<Path>> paths = new ConcurrentHashMap<>();

  CompartmentReferences(FhirContext fhir) {
    this.fhir = fhir;
  }

  /** Hands each target of the resource's Patient compartment parameters to the consumer. */
  void targets(IBaseResource resource, Consumer<IIdType> target) {
    FhirTerser terser = fhir.newTerser();
    for (Path path : paths.computeIfAbsent(fhir.getResourceType(resource), this::parse)) {
      for (IBaseReference reference :
          terser.getValues(resource, path.element(), IBaseReference.class)) {
        IIdType named = reference.getReferenceElement().toUnqualifiedVersionless();
        if (path.wantedType() == null || path.wantedType().equals(typeOf(reference, named))) {
          IIdType id = targetOf(reference, named);
          if (id != null) {
            target.accept(id);
          }
        }
      }
    }
  }

  private List<Path> parse(String type) {
    List<Path> parsed = new ArrayList<>();
    for (RuntimeSearchParam parameter :
        fhir.getResourceDefinition(type).getSearchParamsForCompartmentName("Patient")) {
      for (String path : parameter.getPathsSplit()) {
        if (path == null || path.isBlank()) {
          continue;
        }
        Matcher matcher = RESOLVES_TO.matcher(path);
        parsed.add(
            matcher.matches()
                ? new Path(matcher.group(1), matcher.group(2))
                : new Path(path, null));
      }
    }
    // R4 lists most elements both plainly and as .where(resolve() is Patient): the plain path
    // already reads every reference the filtered one would, so the element is read once
    Set<String> plain = new HashSet<>();
    parsed.stream().filter(path -> path.wantedType() == null).forEach(p -> plain.add(p.element()));
    return parsed.stream()
        .filter(path -> path.wantedType() == null || !plain.contains(path.element()))
        .toList();
  }

  /** The type the reference names, or that of the resource it holds; null if neither. */
  private String typeOf(IBaseReference reference, IIdType named) {
    if (named.hasResourceType()) {
      return named.getResourceType();
    }
    return reference.getResource() != null ? fhir.getResourceType(reference.getResource()) : null;
  }

  /** The referenced id, versionless, or the held resource's own id; null if there is none. */
  private IIdType targetOf(IBaseReference reference, IIdType named) {
    IIdType id = named;
    if ((id.getValue() == null || id.getValue().isBlank()) && reference.getResource() != null) {
      IBaseResource held = reference.getResource();
      id = held.getIdElement().toUnqualifiedVersionless();
      if (!id.hasResourceType()) {
        id.setParts(null, fhir.getResourceType(held), id.getIdPart(), null);
      }
    }
    return id.getValue() == null || id.getValue().isBlank() ? null : id;
  }
}
