package org.consentry.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.consentry.server.TestKeycloak;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;

/**
 * The portal with the keyboard alone, on a phone-sized screen, and when things go wrong: a session
 * that ended, a server that cannot be reached. Also measures the first load (time and bytes).
 */
class PortalKeyboardIT extends PortalTestBase {

  String bob;
  String bobPassword;

  @BeforeEach
  void data() {
    Patient patient = new Patient();
    patient.addName().setFamily("Sample").addGiven("Bob");
    bob = create(patient);
    create(condition(bob, "http://snomed.info/sct", "44054006", "Diabetes mellitus type 2"));
    for (int i = 0; i < 3; i++) {
      create(heartRate(bob, 70 + i, "2026-0" + (i + 1) + "-10T08:00:00Z"));
    }
    bobPassword = TestKeycloak.users().addPatient("bob-" + s, "Patient/" + bob);
  }

  @Test
  void everythingWorksWithTheKeyboardAlone() throws Exception {
    try (Browser browser = new Browser()) {
      browser.open(portalUrl());
      browser.waitFor(By.id("sign-in"));
      browser.tabTo("the Sign in button", e -> "sign-in".equals(e.getAttribute("id")));
      browser.press(Keys.ENTER);
      browser.waitFor(By.id("username"));
      browser.tabTo("the username field", e -> "username".equals(e.getAttribute("id")));
      browser.press("bob-" + s, Keys.TAB, bobPassword, Keys.ENTER);
      browser.waitForText(By.id("main"), "Diabetes mellitus type 2");

      browser.shiftTabTo("the sharing link", e -> "#sharing".equals(e.getDomAttribute("href")));
      browser.press(Keys.ENTER);
      browser.waitForText(By.id("main"), "Add a choice");
      browser.tabTo("the first template", e -> "template".equals(e.getAttribute("name")));
      // arrow keys move through a radio group and choose: the fifth is emergency access
      browser.press(Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_DOWN);
      browser.waitFor(By.cssSelector("input[name=emergency]"));
      browser.tabTo("the emergency choice", e -> "emergency".equals(e.getAttribute("name")));
      browser.press(Keys.ARROW_DOWN);
      assertThat(browser.driver.findElement(By.cssSelector("input[value=refuse]")).isSelected())
          .isTrue();
      browser.tabTo("Save this choice", e -> "Save this choice".equals(e.getText()));
      browser.press(Keys.ENTER);
      browser.waitForText(By.id("main"), "I refuse emergency access");

      WebElement revoke = browser.tabTo("its Revoke button", e -> "Revoke".equals(e.getText()));
      assertThat(revoke.getAttribute("aria-label")).contains("I refuse emergency access");
      browser.press(Keys.ENTER);
      browser.waitForText(By.id("main"), "Revoked");

      // a dialog: Escape closes it and focus returns to the button that opened it
      browser.shiftTabTo("the My data link", e -> "#data".equals(e.getDomAttribute("href")));
      browser.press(Keys.ENTER);
      browser.tabTo("Download my record", e -> "Download my record".equals(e.getText()));
      browser.press(Keys.ENTER);
      browser.waitFor(By.cssSelector("dialog[open]"));
      browser.press(Keys.ESCAPE);
      browser.waitUntil(d -> d.findElements(By.cssSelector("dialog[open]")).isEmpty());
      assertThat(browser.driver.switchTo().activeElement().getText())
          .isEqualTo("Download my record");
    }
  }

  @Test
  void anEndedSessionAnUnreachableServerAndSigningOutSayWhatToDo() throws Exception {
    try (Browser browser = new Browser()) {
      // Keycloak cannot be reached: the portal says so instead of leaving for an error page
      URI keycloak = URI.create(TestKeycloak.issuer());
      browser.driver.executeCdpCommand("Network.enable", Map.of());
      browser.driver.executeCdpCommand(
          "Network.setBlockedURLs",
          Map.of("urls", List.of("*" + keycloak.getHost() + ":" + keycloak.getPort() + "/*")));
      browser.open(portalUrl());
      browser.click(By.id("sign-in"));
      browser.waitForText(By.id("alert"), "The sign-in service (Keycloak");
      assertThat(browser.text(By.id("alert"))).contains("cannot be reached");
      assertThat(browser.driver.getCurrentUrl()).startsWith(portalUrl());
      browser.driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));

      signIn(browser, "bob-" + s, bobPassword);
      browser.waitForText(By.id("main"), "Diabetes");

      browser.driver.setNetworkConditions(offline(true));
      browser.click(By.cssSelector("nav a[href='#sharing']"));
      browser.waitForText(By.id("alert"), "The Consentry server cannot be reached");
      assertThat(browser.text(By.id("alert"))).contains("Try again");
      browser.driver.setNetworkConditions(offline(false));
      browser.click(By.xpath("//div[@id='alert']//button[.='Try again']"));
      browser.waitForText(By.id("main"), "Add a choice");

      // the access token is refused (ended): the portal asks to sign in again
      browser.script(
          "const key = JSON.parse(sessionStorage.getItem('SMART_KEY'));"
              + "const state = JSON.parse(sessionStorage.getItem(key));"
              + "state.tokenResponse.access_token = 'ended.session.token';"
              + "sessionStorage.setItem(key, JSON.stringify(state)); location.reload();");
      browser.waitForText(By.id("alert"), "Your session has ended. Sign in again");
      // Keycloak still knows bob (single sign-on): signing in again brings him straight back
      browser.click(By.xpath("//div[@id='alert']//button[.='Sign in again']"));
      browser.waitForText(By.id("main"), "Diabetes");
      assertThat(browser.driver.findElement(By.id("alert")).isDisplayed()).isFalse();

      // signing out ends the Keycloak session too: the next sign-in asks for the password
      browser.click(By.id("sign-out"));
      browser.waitForText(By.id("main"), "Your health record, your choices");
      assertThat(browser.driver.getCurrentUrl()).startsWith(portalUrl());
      browser.click(By.id("sign-in"));
      browser.waitFor(By.id("password"));
    }
  }

  @Test
  void phoneSizedScreensAreAccessibleAndTheFirstLoadIsMeasured() throws Exception {
    try (Browser browser = new Browser()) {
      browser.driver.manage().window().setSize(Browser.PHONE);
      browser.open(portalUrl());
      browser.waitFor(By.id("sign-in"));
      Map<?, ?> firstLoad = (Map<?, ?>) browser.script(LOAD_FIGURES);
      PortalTestBase.assertAccessible(browser, "sign-in-phone");
      browser.click(By.id("sign-in"));
      browser.type(By.id("username"), "bob-" + s);
      browser.type(By.id("password"), bobPassword);
      browser.click(By.id("kc-login"));
      browser.waitForText(By.id("main"), "Heart rate");
      Map<?, ?> signedIn = (Map<?, ?>) browser.script(LOAD_FIGURES);
      for (String screen : new String[] {"record", "sharing", "preview", "access", "data"}) {
        browser.open(portalUrl() + "#" + screen);
        browser.waitFor(By.cssSelector("nav a[aria-current=page][href='#" + screen + "']"));
        browser.waitUntil(d -> d.findElements(By.cssSelector(".view .loading")).isEmpty());
        assertAccessible(browser, screen + "-phone");
        Number width = (Number) browser.script("return document.documentElement.scrollWidth");
        assertThat(width.intValue()).as(screen + " fits a phone's width").isLessThanOrEqualTo(390);
      }
      String figures =
          "first load of /portal/ (cold cache): "
              + firstLoad
              + "%nafter sign-in, record screen ready: ".formatted()
              + signedIn
              + "%n".formatted();
      Path file = Files.createDirectories(Path.of("target", "portal-screens")).resolve("load.txt");
      Files.writeString(file, figures);
      System.out.print(figures);
      assertThat(((Number) firstLoad.get("portalBytes")).longValue()).isPositive();
    }
  }

  /** Load time and bytes transferred, from the browser's own Navigation and Resource Timing. */
  private static final String LOAD_FIGURES =
      "const nav = performance.getEntriesByType('navigation')[0];"
          + "const res = performance.getEntriesByType('resource');"
          + "const own = res.filter(r => r.name.includes('/portal/'));"
          + "const api = res.filter(r => r.name.includes('/fhir/'));"
          + "const sum = (list, f) => list.reduce((n, r) => n + (r[f] || 0), 0);"
          + "return {readyMs: Math.round(performance.now()),"
          + " loadEventMs: Math.round(nav.loadEventEnd),"
          + " portalFiles: own.length + 1,"
          + " portalBytes: nav.transferSize + sum(own, 'transferSize'),"
          + " portalBytesUncompressed: nav.decodedBodySize + sum(own, 'decodedBodySize'),"
          + " apiRequests: api.length, apiBytes: sum(api, 'transferSize')};";

  private static ChromiumNetworkConditions offline(boolean offline) {
    ChromiumNetworkConditions conditions = new ChromiumNetworkConditions();
    conditions.setOffline(offline);
    conditions.setLatency(Duration.ZERO);
    return conditions;
  }
}
