package org.consentry.bench.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Paging: remembers the {@code next} links of recent search answers (one worker's, so no locking)
 * and replays them with {@code _getpages}, {@code _getpagesoffset}, {@code _count} and {@code
 * _bundletype} changed, or as someone else. Until a search has answered with a link, it sends a
 * search that will.
 */
final class PageLinks {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PARAM =
      Pattern.compile("([?&])(_getpages|_getpagesoffset|_count|_bundletype)=([^&]*)");
  private static final int KEEP = 20;

  private final String base;
  private final List<String> links = new ArrayList<>();

  PageLinks(URI base) {
    String text = base.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  /** Keeps the next link of a searchset answer, as a target relative to the base. */
  void remember(Response response) {
    if (response.status() != 200 || !response.text().contains("\"next\"")) {
      return;
    }
    try {
      for (JsonNode link : JSON.readTree(response.body()).path("link")) {
        String url = link.path("url").asText("");
        if (link.path("relation").asText().equals("next") && url.startsWith(base)) {
          String target = url.substring(base.length());
          if (!target.isEmpty()
              && (target.charAt(0) == '?' || target.charAt(0) == '/')
              && target.matches("[\\x21-\\x7e]+")
              && !target.contains("#")) {
            links.add(target);
            if (links.size() > KEEP) {
              links.remove(0);
            }
          }
        }
      }
    } catch (IOException e) {
      // not JSON: nothing to follow
    }
  }

  FuzzRequest next(Dice dice, Requester requester, QueryGenerator queries) {
    if (links.isEmpty()) {
      return FuzzRequest.of(
          "page",
          "GET",
          "/"
              + dice.pickOf("Observation", "Patient", "Condition", "Encounter")
              + "?_count="
              + dice.pickOf("1", "2", "5"));
    }
    String link = dice.pick(links);
    StringBuilder changed = new StringBuilder();
    Matcher m = PARAM.matcher(link);
    while (m.find()) {
      String value =
          dice.chance(0.5)
              ? m.group(3)
              : switch (m.group(2)) {
                case "_getpages" ->
                    dice.pickOf(
                        "",
                        "x",
                        "00000000-0000-0000-0000-000000000000",
                        m.group(3) + "x",
                        "%00",
                        "..%2F",
                        m.group(3).toUpperCase(java.util.Locale.ROOT));
                case "_bundletype" -> dice.pickOf("transaction", "history", "x", "");
                default -> Encoding.anyway(Hostile.number(dice), dice);
              };
      m.appendReplacement(changed, Matcher.quoteReplacement(m.group(1) + m.group(2) + "=" + value));
    }
    m.appendTail(changed);
    if (dice.chance(0.2)) {
      changed.append('&').append(queries.param("Patient", dice));
    }
    return FuzzRequest.of(
        "page",
        dice.chance(0.9) ? "GET" : dice.pickOf("POST", "DELETE", "HEAD"),
        Encoding.sanitize(changed.toString()));
  }
}
