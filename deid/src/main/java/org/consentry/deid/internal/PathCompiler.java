package org.consentry.deid.internal;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeChildChoiceDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.parser.DataFormatException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.consentry.deid.DeidProfileException;

/**
 * Checks a parsed path against HAPI's R4 model, once, when a profile is read: every element name
 * must exist on some type the path can reach there, every type of {@code nodesByType} and {@code
 * ofType} must be a FHIR data type. A name such as {@code effectiveDateTime} becomes the choice
 * element {@code effective} filtered to {@code dateTime}.
 */
final class PathCompiler {

  private static final Set<String> RESOURCE_ELEMENTS =
      Set.of(
          "id",
          "meta",
          "implicitRules",
          "language",
          "text",
          "contained",
          "extension",
          "modifierExtension");

  private PathCompiler() {}

  /** The steps to match, checked; throws {@link DeidProfileException} naming the path. */
  static List<Step> compile(String path, PathParser.Parsed parsed) {
    FhirContext context = Shape.context();
    Set<BaseRuntimeElementDefinition<?>> current = new LinkedHashSet<>();
    if (parsed.resourceType() != null) {
      current.add(resourceDefinition(context, path, parsed.resourceType()));
    } else {
      current.add(context.getResourceDefinition("Basic")); // elements every resource has
    }
    boolean atResource = true;
    List<Step> out = new ArrayList<>();
    for (Step step : parsed.steps()) {
      if (current.isEmpty()) {
        throw new DeidProfileException(
            "path '"
                + path
                + "': no steps can follow a nested resource"
                + " (contained, Bundle.entry.resource); rules for its own type apply to it");
      }
      switch (step.kind()) {
        case CHILD -> {
          if (atResource
              && parsed.resourceType() == null
              && !RESOURCE_ELEMENTS.contains(step.name())) {
            throw new DeidProfileException(
                "path '"
                    + path
                    + "': '"
                    + step.name()
                    + "' is not an "
                    + "element of every resource ("
                    + new TreeSet<>(RESOURCE_ELEMENTS)
                    + ")");
          }
          current = child(path, current, step.name(), out);
        }
        case DESCENDANTS, TYPE -> {
          current = Set.of(dataType(context, path, step.name()));
          out.add(step);
        }
      }
      atResource = false;
    }
    return List.copyOf(out);
  }

  private static Set<BaseRuntimeElementDefinition<?>> child(
      String path, Set<BaseRuntimeElementDefinition<?>> parents, String name, List<Step> out) {
    Set<BaseRuntimeElementDefinition<?>> found = new LinkedHashSet<>();
    boolean exists = false;
    String choiceType = null;
    String choiceBase = null;
    for (BaseRuntimeElementDefinition<?> parent : parents) {
      if (!(parent instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
        continue;
      }
      BaseRuntimeChildDefinition child = composite.getChildByName(name);
      if (child == null) {
        child = composite.getChildByName(name + "[x]");
      }
      if (child instanceof RuntimeChildChoiceDefinition choice
          && !choice.getElementName().equals(name)) {
        BaseRuntimeElementDefinition<?> definition = choice.getChildByName(name);
        exists = true;
        choiceBase = choice.getElementName();
        choiceType = Shape.typeName(definition);
        found.add(definition);
        continue;
      }
      if (child != null) {
        exists = true;
        for (String valid : child.getValidChildNames()) {
          BaseRuntimeElementDefinition<?> definition = child.getChildByName(valid);
          if (definition != null && !(definition instanceof RuntimeResourceDefinition)) {
            found.add(definition);
          }
        }
        continue;
      }
      for (BaseRuntimeChildDefinition candidate : composite.getChildren()) {
        if (candidate instanceof RuntimeChildChoiceDefinition choice
            && name.startsWith(choice.getElementName())
            && choice.getValidChildNames().contains(name)) {
          BaseRuntimeElementDefinition<?> definition = choice.getChildByName(name);
          exists = true;
          choiceBase = choice.getElementName();
          choiceType = Shape.typeName(definition);
          found.add(definition);
        }
      }
    }
    if (!exists) {
      Set<String> types = new TreeSet<>();
      parents.forEach(parent -> types.add(Shape.typeName(parent)));
      throw new DeidProfileException(
          "path '"
              + path
              + "': unknown element '"
              + name
              + "' (no such "
              + "element in "
              + String.join(", ", types)
              + ")");
    }
    if (choiceType != null) {
      out.add(Step.child(choiceBase));
      out.add(Step.ofType(choiceType));
    } else {
      out.add(Step.child(name));
    }
    return found;
  }

  private static RuntimeResourceDefinition resourceDefinition(
      FhirContext context, String path, String type) {
    try {
      return context.getResourceDefinition(type);
    } catch (DataFormatException e) {
      throw new DeidProfileException("path '" + path + "': unknown resource type '" + type + "'");
    }
  }

  private static BaseRuntimeElementDefinition<?> dataType(
      FhirContext context, String path, String type) {
    BaseRuntimeElementDefinition<?> definition = context.getElementDefinition(type);
    if (definition == null && type.equals("BackboneElement")) {
      definition = context.getElementDefinition("Element");
    }
    if (definition == null || definition instanceof RuntimeResourceDefinition) {
      throw new DeidProfileException(
          "path '"
              + path
              + "': '"
              + type
              + "' is not a FHIR R4 data "
              + "type (nodesByType and ofType take one, e.g. 'HumanName', 'dateTime')");
    }
    return definition;
  }
}
