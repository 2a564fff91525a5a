package org.consentry.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PageLinksTest {

  private static final QueryGenerator QUERIES =
      new QueryGenerator(Fixtures.surface(), Fixtures.corpus());

  @Test
  void beforeAnySearchWithALink_itSendsASearchThatWillHaveOne() {
    PageLinks pages = new PageLinks(URI.create("http://127.0.0.1:8280/fhir"));

    assertThat(pages.next(new Dice(1), Fixtures.anonymous(), QUERIES).target())
        .matches("/[A-Za-z]+\\?_count=[125]");
  }

  @Test
  void aRememberedNextLink_isReplayedWithItsPagingParametersChanged() {
    PageLinks pages = new PageLinks(URI.create("http://127.0.0.1:8280/fhir"));
    String searchset =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"link\":[{\"relation\":\"self\",\"url\":\"x\"},"
            + "{\"relation\":\"next\",\"url\":\"http://127.0.0.1:8280/fhir?_getpages=abc-123&_getpagesoffset=20&_count=20&_bundletype=searchset\"}]}";
    pages.remember(
        new Response(200, Map.of(), searchset.getBytes(StandardCharsets.UTF_8), false, null, 1));

    Dice dice = new Dice(9);
    Set<String> targets = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      targets.add(pages.next(dice, Fixtures.anonymous(), QUERIES).target());
    }

    assertThat(targets).allMatch(t -> t.startsWith("?_getpages="));
    assertThat(targets)
        .contains("?_getpages=abc-123&_getpagesoffset=20&_count=20&_bundletype=searchset");
    assertThat(targets.size()).isGreaterThan(20);
  }
}
