package org.consentry.server.fhir;

/**
 * How deeply a request body nests, counted without parsing it: JSON objects and arrays (outside
 * strings), or XML elements. HAPI's parser, its validator and the server's own walks of a resource
 * recurse once per level, so a body nested thousands deep ends in a stack overflow (a 500); no FHIR
 * resource needs more than a few dozen levels.
 */
final class BodyDepth {

  /** The deepest nesting accepted: JSON objects and arrays, or XML elements. */
  static final int MAX = 128;

  private BodyDepth() {}

  /** Whether the body nests deeper than {@link #MAX}. */
  static boolean exceeds(byte[] body, boolean xml) {
    return xml ? xmlDepth(body) > MAX : jsonDepth(body) > MAX;
  }

  static int jsonDepth(byte[] body) {
    int depth = 0;
    int deepest = 0;
    boolean inString = false;
    for (int i = 0; i < body.length; i++) {
      byte b = body[i];
      if (inString) {
        if (b == '\\') {
          i++; // the escaped character, whatever it is
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == '{' || b == '[') {
        deepest = Math.max(deepest, ++depth);
      } else if (b == '}' || b == ']') {
        depth--;
      }
    }
    return deepest;
  }

  static int xmlDepth(byte[] body) {
    int depth = 0;
    int deepest = 0;
    for (int i = 0; i + 1 < body.length; i++) {
      if (body[i] == '<') {
        byte next = body[i + 1];
        if (next == '/') {
          depth--;
        } else if (next != '?' && next != '!') {
          deepest = Math.max(deepest, ++depth);
        }
      } else if (body[i] == '/' && body[i + 1] == '>') {
        depth--;
      }
    }
    return deepest;
  }
}
