package org.consentry.deid.internal;

import java.util.ArrayList;
import java.util.List;
import org.consentry.deid.DeidProfileException;

/**
 * Parses the supported subset of the rule paths of FHIR-Tools-for-Anonymization:
 *
 * <pre>
 * path  := head ('.' step)* (' as ' Type)?
 * head  := ResourceType | 'Resource' | 'DomainResource' | nodesByType('Type')
 * step  := elementName | nodesByType('Type') | ofType(Type)
 * </pre>
 *
 * Anything else ({@code where()}, {@code |}, indexes, other functions) is rejected with a message
 * naming the path and the unsupported part. Names are checked against the FHIR model later, by
 * {@link PathCompiler}.
 */
final class PathParser {

  /** A parsed path: the resource type it applies to (null: any) and its steps. */
  record Parsed(String resourceType, List<Step> steps) {}

  private final String path;
  private int at;

  private PathParser(String path) {
    this.path = path;
  }

  static Parsed parse(String path) {
    if (path == null || path.isBlank()) {
      throw new DeidProfileException("a rule has an empty path");
    }
    return new PathParser(path.strip()).parse();
  }

  private Parsed parse() {
    if (path.indexOf('|') >= 0) {
      throw unsupported("'|' (a union: write one rule per path)");
    }
    String asType = null;
    String body = path;
    int as = path.indexOf(" as ");
    if (as >= 0) {
      asType = path.substring(as + 4).strip();
      body = path.substring(0, as).strip();
      if (!isName(asType)) {
        throw unsupported("'as " + asType + "'");
      }
    }
    List<String> parts = split(body);
    String resourceType = null;
    List<Step> steps = new ArrayList<>();
    String head = parts.get(0);
    if (head.startsWith("nodesByType(")) {
      steps.add(Step.descendants(typeArgument(head, "nodesByType", true)));
    } else if (isName(head) && Character.isUpperCase(head.charAt(0))) {
      resourceType = head.equals("Resource") || head.equals("DomainResource") ? null : head;
    } else {
      throw unsupported(
          "'"
              + head
              + "' (a path starts with a resource type, Resource or "
              + "nodesByType('Type'))");
    }
    for (String part : parts.subList(1, parts.size())) {
      if (part.startsWith("nodesByType(")) {
        steps.add(Step.descendants(typeArgument(part, "nodesByType", true)));
      } else if (part.startsWith("ofType(")) {
        steps.add(Step.ofType(typeArgument(part, "ofType", false)));
      } else if (isName(part)) {
        steps.add(Step.child(part));
      } else {
        throw unsupported("'" + part + "'");
      }
    }
    if (asType != null) {
      steps.add(Step.ofType(asType));
    }
    if (steps.isEmpty() || steps.stream().allMatch(step -> step.kind() == Step.Kind.TYPE)) {
      throw new DeidProfileException(
          "path '"
              + path
              + "' names no element below the resource; "
              + "a rule applies to elements, not to whole resources");
    }
    return new Parsed(resourceType, List.copyOf(steps));
  }

  /** Splits on dots outside parentheses and quotes. */
  private List<String> split(String body) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (at = 0; at < body.length(); at++) {
      char c = body.charAt(at);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
      } else if (!quoted && depth == 0 && c == '.') {
        parts.add(body.substring(start, at).strip());
        start = at + 1;
      } else if (!quoted && depth == 0 && (c == '|' || c == '[' || c == ' ')) {
        throw unsupported("'" + c + "'");
      }
    }
    parts.add(body.substring(start).strip());
    for (String part : parts) {
      if (part.isEmpty()) {
        throw unsupported("an empty step");
      }
    }
    return parts;
  }

  private String typeArgument(String call, String function, boolean quotedArgument) {
    if (!call.endsWith(")")) {
      throw unsupported("'" + call + "'");
    }
    String argument = call.substring(function.length() + 1, call.length() - 1).strip();
    if (argument.length() >= 2 && argument.startsWith("'") && argument.endsWith("'")) {
      argument = argument.substring(1, argument.length() - 1);
    } else if (quotedArgument) {
      throw unsupported("'" + call + "' (the type is quoted: " + function + "('HumanName'))");
    }
    if (!isName(argument)) {
      throw unsupported("'" + call + "'");
    }
    return argument;
  }

  private static boolean isName(String text) {
    if (text.isEmpty() || !Character.isLetter(text.charAt(0))) {
      return false;
    }
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isLetterOrDigit(c) && c != '_') {
        return false;
      }
    }
    return true;
  }

  private DeidProfileException unsupported(String what) {
    return new DeidProfileException(
        "unsupported path '"
            + path
            + "': "
            + what
            + " is not in the "
            + "supported subset (element names, nodesByType('Type'), ofType(Type), 'as Type')");
  }
}
