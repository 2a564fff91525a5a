package org.consentry.deid.internal;

import java.util.List;
import org.consentry.deid.DeidMethod;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Age;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;

/**
 * One de-identification of one resource, in place: a single walk over the tree, each node's
 * automaton state computed from its parent's. Where a rule matches, its method applies to the node
 * and everything below it (later rules do not look inside); elsewhere extensions whose URL is not
 * allowed are removed and the walk goes on. Nested resources (contained, Bundle entries) start from
 * their own type's root; a contained resource's labels go to its container. Not thread-safe: one
 * per call.
 */
public final class Walker {

  private static final DeidMethod[] METHODS = DeidMethod.values();

  private final Automaton automaton;
  private final Settings settings;
  private final Keys.Session keys;
  private final int shiftDays;
  private final int topYear;
  private int labels;
  private int removals;

  private Walker(CompiledProfile profile, Keys keys, int shiftDays, int topYear) {
    this.automaton = profile.automaton();
    this.settings = profile.settings();
    this.keys = keys.session();
    this.shiftDays = shiftDays;
    this.topYear = topYear;
  }

  /**
   * De-identifies {@code resource} in place.
   *
   * @param shiftDays the patient's date shift
   * @param topYear dates in or before this year (90 years ago) are generalized to it
   */
  public static void run(
      CompiledProfile profile, Keys keys, Resource resource, int shiftDays, int topYear) {
    new Walker(profile, keys, shiftDays, topYear).resource(resource, false);
  }

  private void resource(Resource resource, boolean contained) {
    int outer = labels;
    labels = 0;
    Shape shape = Shape.of(resource.getClass());
    composite(resource, shape, automaton.root(shape.typeName));
    if (contained) {
      labels |= outer;
    } else {
      Labels.apply(resource, labels);
      labels = outer;
    }
  }

  private void composite(Base node, Shape shape, Automaton.State state) {
    for (Shape.Slot slot : shape.slots) {
      Object raw = read(slot, node);
      if (raw == null) {
        continue;
      }
      if (slot.list()) {
        List<?> list = (List<?>) raw;
        for (int i = list.size() - 1; i >= 0; i--) {
          if (list.get(i) instanceof Base child && visit(node, slot, child, state)) {
            list.remove(i);
            removals++;
          }
        }
      } else if (raw instanceof Base child && visit(node, slot, child, state)) {
        write(slot, node, null);
        removals++;
      }
    }
  }

  /** Walks one child; true if it is to be removed. */
  private boolean visit(Base parent, Shape.Slot slot, Base child, Automaton.State state) {
    if (child instanceof Resource nested) {
      resource(nested, slot.name().equals("contained"));
      return false;
    }
    Shape shape = Shape.of(child.getClass());
    Automaton.State next = state.next(slot.nameOrdinal(), shape.typeOrdinal);
    if (next.matched >= 0) {
      DeidMethod method = METHODS[automaton.rule(next.matched).method()];
      return apply(method, parent, slot.name(), child, shape, true);
    }
    if (child instanceof Extension extension
        && !(parent instanceof Extension)
        && !settings.allowedExtensions().contains(extension.getUrl())) {
      labels |= Labels.REDACTED;
      return true;
    }
    if (!shape.primitive || (child instanceof Element element && element.hasExtension())) {
      int before = removals;
      composite(child, shape, next); // a primitive's id and extensions
      return removals != before && child.isEmpty(); // nothing left of it: it goes too
    }
    return false;
  }

  /** Applies a method to a node and all below it; true if the node is to be removed. */
  private boolean apply(
      DeidMethod method, Base parent, String name, Base node, Shape shape, boolean direct) {
    if (method == DeidMethod.KEEP) {
      return false;
    }
    if (node instanceof PrimitiveType<?> value) {
      return outcome(primitive(method, parent, name, value, direct));
    }
    if (!shape.primitive && node instanceof Age age && caps(method)) {
      return outcome(Generalize.capAge(age) ? Labels.ABSTRED : 0);
    }
    if (method == DeidMethod.REDACT && !settings.anyPartial()) {
      labels |= Labels.REDACTED;
      return true;
    }
    if (method == DeidMethod.GENERALIZE && node instanceof Address address) {
      labels |= dropBelowState(address);
    }
    subtree(method, node, shape);
    return node.isEmpty();
  }

  private int primitive(
      DeidMethod method, Base parent, String name, PrimitiveType<?> value, boolean direct) {
    if (parent instanceof Age age && name.equals("value") && caps(method)) {
      return Generalize.capAge(age) ? Labels.ABSTRED : 0;
    }
    return switch (method) {
      case REDACT -> Primitives.redact(name, value, settings, topYear);
      case CRYPTO_HASH -> Primitives.hash(name, parent, value, keys);
      case DATE_SHIFT -> Primitives.shift(value, shiftDays);
      case GENERALIZE -> Primitives.generalize(name, value, direct, settings, topYear);
      case KEEP -> 0;
    };
  }

  private void subtree(DeidMethod method, Base node, Shape shape) {
    for (Shape.Slot slot : shape.slots) {
      Object raw = read(slot, node);
      if (raw == null) {
        continue;
      }
      if (slot.list()) {
        List<?> list = (List<?>) raw;
        for (int i = list.size() - 1; i >= 0; i--) {
          if (list.get(i) instanceof Base child && below(method, node, slot, child)) {
            list.remove(i);
          }
        }
      } else if (raw instanceof Base child && below(method, node, slot, child)) {
        write(slot, node, null);
      }
    }
  }

  private boolean below(DeidMethod method, Base parent, Shape.Slot slot, Base child) {
    if (child instanceof Resource nested) {
      if (method == DeidMethod.REDACT) {
        labels |= Labels.REDACTED;
        return true;
      }
      resource(nested, slot.name().equals("contained"));
      return false;
    }
    return apply(method, parent, slot.name(), child, Shape.of(child.getClass()), false);
  }

  private boolean caps(DeidMethod method) {
    return method == DeidMethod.GENERALIZE
        || (method == DeidMethod.REDACT && settings.partialAges());
  }

  private boolean outcome(int bits) {
    labels |= bits & ~Labels.REMOVE;
    return (bits & Labels.REMOVE) != 0;
  }

  /** Generalizing an address keeps what a state-level area allows: state, country, ZIP3. */
  private static int dropBelowState(Address address) {
    boolean had =
        address.hasLine() || address.hasCity() || address.hasDistrict() || address.hasText();
    address.setLine(null);
    address.setCity(null);
    address.setDistrict(null);
    address.setText(null);
    return had ? Labels.ABSTRED : 0;
  }

  private static Object read(Shape.Slot slot, Base node) {
    try {
      return slot.field().get(node);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + slot.name(), e);
    }
  }

  private static void write(Shape.Slot slot, Base node, Object value) {
    try {
      slot.field().set(node, value);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot write " + slot.name(), e);
    }
  }
}
