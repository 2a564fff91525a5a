package org.consentry.deid.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * All the rules of a profile as one automaton over the resource tree, so that matching costs one
 * array read per node whatever the number of rules. A position is (rule, steps matched); a state is
 * the set of positions alive at a node. A child's state depends only on the parent's state, the
 * child's element name and its FHIR type, so transitions are computed on first use and cached in
 * the state (a lazily built DFA). Names and types that no rule mentions all map to id 0.
 *
 * <p>Thread-safe: states are immutable apart from their transition tables, which are filled with
 * compare-and-set; a race computes the same state twice and keeps one.
 */
final class Automaton {

  /** The rules in profile order; the first rule whose path is complete at a node applies there. */
  record Rule(int index, String path, String resourceType, Step[] steps, int method) {}

  final class State {
    final int[] positions;

    /** Index of the first rule matching the node that has this state, or -1. */
    final int matched;

    private final AtomicReferenceArray<State> next;

    private State(int[] positions, int matched) {
      this.positions = positions;
      this.matched = matched;
      this.next = new AtomicReferenceArray<>(width * (typeCount + 1));
    }

    /** The state of a child with this element-name ordinal and type ordinal. */
    State next(int nameOrdinal, int typeOrdinal) {
      int name = nameOrdinal < nameIds.length ? nameIds[nameOrdinal] : 0;
      int type = typeOrdinal < typeIds.length ? typeIds[typeOrdinal] : 0;
      int slot = name * (typeCount + 1) + type;
      State known = next.get(slot);
      if (known == null) {
        known = intern(step(positions, name, type));
        next.compareAndSet(slot, null, known);
        known = next.get(slot);
      }
      return known;
    }
  }

  private final Rule[] rules;
  private final int[][] stepIds; // per rule and step: dense name or type id
  private final String[] names;
  private final int width;
  private final int typeCount;
  private final int[] nameIds;
  private final int[] typeIds;
  private final ConcurrentHashMap<Key, State> states = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, State> roots = new ConcurrentHashMap<>();

  Automaton(List<Rule> ruleList) {
    this.rules = ruleList.toArray(Rule[]::new);
    List<String> nameList = new ArrayList<>();
    List<String> typeList = new ArrayList<>();
    this.stepIds = new int[rules.length][];
    for (int r = 0; r < rules.length; r++) {
      Step[] steps = rules[r].steps();
      if (steps.length >= 64) {
        throw new IllegalArgumentException("path too long: " + rules[r].path());
      }
      stepIds[r] = new int[steps.length];
      for (int s = 0; s < steps.length; s++) {
        List<String> list = steps[s].kind() == Step.Kind.CHILD ? nameList : typeList;
        int id = list.indexOf(steps[s].name());
        if (id < 0) {
          list.add(steps[s].name());
          id = list.size() - 1;
        }
        stepIds[r][s] = id + 1;
      }
    }
    this.names = nameList.toArray(String[]::new);
    this.width = names.length + 1;
    this.typeCount = typeList.size();
    this.nameIds = denseIds(nameList);
    this.typeIds = denseIds(typeList);
  }

  Rule rule(int index) {
    return rules[index];
  }

  /** The state at the root of a resource of this type. */
  State root(String resourceType) {
    State known = roots.get(resourceType);
    if (known != null) {
      return known;
    }
    int[] start = new int[rules.length];
    int count = 0;
    for (Rule rule : rules) {
      if (rule.resourceType() == null || rule.resourceType().equals(resourceType)) {
        start[count++] = rule.index() << 6;
      }
    }
    State state = intern(Arrays.copyOf(start, count));
    State raced = roots.putIfAbsent(resourceType, state);
    return raced == null ? state : raced;
  }

  private int[] step(int[] positions, int name, int type) {
    int[] out = new int[positions.length * 2];
    int count = 0;
    for (int position : positions) {
      int r = position >>> 6;
      int s = position & 63;
      Step.Kind kind = rules[r].steps()[s].kind();
      if (kind == Step.Kind.CHILD && stepIds[r][s] == name && name != 0) {
        count = advance(r, s + 1, type, out, count);
      } else if (kind == Step.Kind.DESCENDANTS) {
        out[count++] = position;
        if (stepIds[r][s] == type && type != 0) {
          count = advance(r, s + 1, type, out, count);
        }
      }
    }
    Arrays.sort(out, 0, count);
    int unique = 0;
    for (int i = 0; i < count; i++) {
      if (unique == 0 || out[unique - 1] != out[i]) {
        out[unique++] = out[i];
      }
    }
    return Arrays.copyOf(out, unique);
  }

  /** Adds position (r, s) after consuming the type filters that hold for this node. */
  private int advance(int r, int s, int type, int[] out, int count) {
    Step[] steps = rules[r].steps();
    while (s < steps.length && steps[s].kind() == Step.Kind.TYPE) {
      if (stepIds[r][s] != type || type == 0) {
        return count;
      }
      s++;
    }
    out[count++] = (r << 6) | s;
    return count;
  }

  private State intern(int[] positions) {
    Key key = new Key(positions);
    State known = states.get(key);
    if (known != null) {
      return known;
    }
    int matched = -1;
    for (int position : positions) {
      int r = position >>> 6;
      if ((position & 63) == rules[r].steps().length && (matched < 0 || r < matched)) {
        matched = r;
      }
    }
    State created = new State(positions, matched);
    State raced = states.putIfAbsent(key, created);
    return raced == null ? created : raced;
  }

  private static int[] denseIds(List<String> list) {
    int max = 0;
    int[] ordinals = new int[list.size()];
    for (int i = 0; i < list.size(); i++) {
      ordinals[i] = Shape.ordinal(list.get(i));
      max = Math.max(max, ordinals[i]);
    }
    int[] ids = new int[max + 1];
    for (int i = 0; i < ordinals.length; i++) {
      ids[ordinals[i]] = i + 1;
    }
    return ids;
  }

  private record Key(int[] positions) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Key key && Arrays.equals(positions, key.positions);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(positions);
    }
  }
}
