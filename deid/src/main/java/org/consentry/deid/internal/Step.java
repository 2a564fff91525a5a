package org.consentry.deid.internal;

/**
 * One step of a compiled path: a child element by name, any descendant of a FHIR type ({@code
 * nodesByType}), or a type filter on the current node ({@code ofType}, {@code as}).
 */
record Step(Kind kind, String name) {

  enum Kind {
    CHILD,
    DESCENDANTS,
    TYPE
  }

  static Step child(String name) {
    return new Step(Kind.CHILD, name);
  }

  static Step descendants(String type) {
    return new Step(Kind.DESCENDANTS, type);
  }

  static Step ofType(String type) {
    return new Step(Kind.TYPE, type);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case CHILD -> name;
      case DESCENDANTS -> "nodesByType('" + name + "')";
      case TYPE -> "ofType(" + name + ")";
    };
  }
}
