package org.consentry.deid.internal;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeDeclaredChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceBlockDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.PrimitiveType;

/**
 * What the walker knows of one model class, computed once per class from HAPI's runtime
 * definitions: its FHIR type name and its children as fields read directly (no per-node lookup of
 * definitions, no {@code Property} lists). A primitive's children are its element id and
 * extensions. Names and type names are interned to small global ordinals, which each compiled
 * profile maps to its own dense ids.
 */
final class Shape {

  /** One child element: its name (a choice element by its base name, {@code effective}). */
  record Slot(String name, int nameOrdinal, Field field, boolean list) {}

  private static final FhirContext CONTEXT = FhirContext.forR4Cached();
  private static final ConcurrentHashMap<String, Integer> ORDINALS = new ConcurrentHashMap<>();
  private static final AtomicInteger NEXT_ORDINAL = new AtomicInteger(1);
  private static final ClassValue<Shape> SHAPES =
      new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
          return build(type);
        }
      };

  final String typeName;
  final int typeOrdinal;
  final boolean primitive;
  final Slot[] slots;

  private Shape(String typeName, boolean primitive, Slot[] slots) {
    this.typeName = typeName;
    this.typeOrdinal = ordinal(typeName);
    this.primitive = primitive;
    this.slots = slots;
  }

  static Shape of(Class<?> type) {
    return SHAPES.get(type);
  }

  static FhirContext context() {
    return CONTEXT;
  }

  /** The global ordinal of a name or type name (1, 2, ...), assigned on first use. */
  static int ordinal(String name) {
    Integer known = ORDINALS.get(name);
    if (known != null) {
      return known;
    }
    return ORDINALS.computeIfAbsent(name, ignored -> NEXT_ORDINAL.getAndIncrement());
  }

  /** The FHIR type name that {@code nodesByType} and {@code ofType} compare with. */
  static String typeName(BaseRuntimeElementDefinition<?> definition) {
    if (definition instanceof RuntimeResourceBlockDefinition) {
      return "BackboneElement";
    }
    return definition.getName();
  }

  private static Shape build(Class<?> type) {
    if (Enumeration.class.isAssignableFrom(type)) {
      return new Shape("code", true, primitiveSlots());
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    BaseRuntimeElementDefinition<?> definition = CONTEXT.getElementDefinition((Class) type);
    if (definition == null) {
      // the narrative's XHTML and other opaque values: nothing below to walk
      return new Shape(type.getSimpleName(), true, new Slot[0]);
    }
    if (PrimitiveType.class.isAssignableFrom(type)) {
      return new Shape(typeName(definition), true, primitiveSlots());
    }
    if (!(definition instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
      return new Shape(typeName(definition), true, new Slot[0]);
    }
    List<Slot> slots = new ArrayList<>();
    for (BaseRuntimeChildDefinition child : composite.getChildren()) {
      if (child instanceof BaseRuntimeDeclaredChildDefinition declared) {
        slots.add(slot(declared.getElementName(), declared.getField()));
      } else {
        throw new IllegalStateException(
            "unexpected child definition " + child + " in " + definition.getName());
      }
    }
    String name =
        definition instanceof RuntimeResourceDefinition
            ? definition.getName()
            : typeName(definition);
    return new Shape(name, false, slots.toArray(Slot[]::new));
  }

  private static Slot[] primitiveSlots() {
    try {
      return new Slot[] {
        slot("id", Element.class.getDeclaredField("id")),
        slot("extension", Element.class.getDeclaredField("extension"))
      };
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("HAPI's Element lost its id or extension field", e);
    }
  }

  private static Slot slot(String name, Field field) {
    field.setAccessible(true);
    return new Slot(name, ordinal(name), field, List.class.isAssignableFrom(field.getType()));
  }
}
