package org.consentry.server.fhir;

import ca.uhn.fhir.util.UrlUtil;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The URL shapes HAPI fails on while it reads a request, before any hook could refuse it: found by
 * fuzzing, each a 500 until it was checked here. {@link RequestGuardFilter} answers them with 400.
 *
 * <ul>
 *   <li>A parameter name with a character HAPI escapes for safety (quotes, angle brackets, control
 *       characters...): two such names can become the same name, and HAPI fails building its map.
 *       No FHIR parameter name holds one.
 *   <li>A path that starts with an operation or a keyword ({@code $everything}, {@code _history},
 *       {@code metadata}) and goes on: no FHIR URL does, and {@code /$op/x/_history/1} fails inside
 *       HAPI's path reader.
 *   <li>A path segment that is only spaces ({@code /CarePlan/%20/_history/1}): HAPI's id reader
 *       fails on it.
 *   <li>A PATCH without an id and without a search: HAPI's patch fails on the missing id (a PATCH
 *       with a search is the door's to refuse: conditional patch is not offered).
 * </ul>
 */
final class UrlShape {

  private UrlShape() {}

  /** What is wrong with the request's URL, or null when HAPI can read it. */
  static String problem(HttpServletRequest request) {
    for (String name : request.getParameterMap().keySet()) {
      if (UrlUtil.isNeedsSanitization(name)) {
        return "The URL has a parameter name with a character no parameter name has (such as a"
            + " quote, an angle bracket or a control character): use the parameter names of the"
            + " FHIR API";
      }
    }
    List<String> segments = segments(request);
    if (segments.stream().anyMatch(String::isBlank)) {
      return "The URL path has a segment that is only spaces: a type, an id or an operation"
          + " goes there";
    }
    if (segments.size() > 1 && isOperationOrKeyword(segments.get(0))) {
      return "The URL path goes on after '"
          + segments.get(0)
          + "', which ends a path at the server's base: use [base]/"
          + segments.get(0)
          + " or [base]/[type]/[id]/...";
    }
    if ("PATCH".equals(request.getMethod())
        && segments.size() == 1
        && (request.getQueryString() == null || request.getQueryString().isBlank())) {
      return "PATCH needs the id of the resource to change: [base]/[type]/[id]";
    }
    return null;
  }

  private static boolean isOperationOrKeyword(String segment) {
    return segment.startsWith("$") || segment.startsWith("_") || "metadata".equals(segment);
  }

  /** The path's segments after the servlet's, unescaped, empty ones left out (as HAPI does). */
  private static List<String> segments(HttpServletRequest request) {
    String path = request.getRequestURI();
    String prefix = request.getContextPath() + request.getServletPath();
    if (path.startsWith(prefix)) {
      path = path.substring(prefix.length());
    }
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/")) {
      if (!segment.isEmpty()) {
        segments.add(UrlUtil.unescape(segment));
      }
    }
    return segments;
  }
}
