package org.consentry.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import org.consentry.server.TestKeycloak;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The patient portal in a real browser (Debian's headless Chromium), against the whole server and
 * Keycloak: alice signs in with the SMART standalone launch, denies drsmith's organization through
 * the template and drsmith's next API search returns none of her data; she revokes that and he sees
 * it again; she keeps her mental-health records from everyone but Dr Jones and the preview shows
 * the difference; she sees drsmith's access in her log; she downloads her record and erases her
 * encrypted data. Every screen passes axe-core's WCAG 2.1 AA rules.
 */
class PortalIT extends PortalTestBase {

  private static final ObjectMapper JSON = new ObjectMapper();

  String alice;
  String alicePassword;
  String clinic;
  String clinicName;
  String drSmith;
  String drSmithToken;
  String drJones;

  @BeforeEach
  void data() {
    clinicName = "Riverside Clinic " + s;
    clinic = create(new Organization().setName(clinicName));
    drSmith = create(practitioner("Alex", "Smith"));
    drJones = create(practitioner("Maria", "Jones"));
    Patient patient = new Patient();
    patient.addName().setFamily("Example").addGiven("Alice");
    patient.setBirthDate(new Date(86_400_000L * 365 * 30));
    alice = create(patient);
    create(condition(alice, "http://snomed.info/sct", "59621000", "Essential hypertension"));
    create(
        condition(
            alice,
            "http://hl7.org/fhir/sid/icd-10-cm",
            "F32.1",
            "Major depressive disorder, single episode, moderate"));
    for (int i = 0; i < 4; i++) {
      create(heartRate(alice, 62 + 3 * i, "2026-0" + (i + 1) + "-15T09:00:00Z"));
    }
    alicePassword = TestKeycloak.users().addPatient("alice-" + s, "Patient/" + alice);
    drSmithToken =
        userToken(
            "drsmith-" + s,
            TestKeycloak.users()
                .addPractitioner(
                    "drsmith-" + s, "Practitioner/" + drSmith, "Organization/" + clinic),
            null);
  }

  @Test
  void aliceDecidesWhoSeesHerRecordByClicking() throws Exception {
    assertThat(drSmithSees("Observation")).as("before: dr Smith treats alice").isEqualTo(4);
    try (Browser browser = new Browser()) {
      signIn(browser, "alice-" + s, alicePassword);
      browser.waitForText(By.id("main"), "Essential hypertension");
      browser.waitForText(By.id("main"), "Heart rate");
      assertAccessible(browser, "record-desktop");

      // deny drsmith's organization through the template
      browser.click(By.cssSelector("nav a[href='#sharing']"));
      browser.click(By.cssSelector("input[name=template][value=deny-organization]"));
      browser.type(By.cssSelector(".picker input[type=search]"), clinicName);
      browser.click(By.xpath("//fieldset[contains(@class,'picker')]//button[.='Search']"));
      browser.click(By.cssSelector("input[value='Organization/" + clinic + "']"));
      browser.click(By.xpath("//button[.='Save this choice']"));
      browser.waitForText(By.id("main"), clinicName + " cannot see anything.");
      assertAccessible(browser, "sharing-desktop");
      assertThat(drSmithSees("Observation")).as("dr Smith's very next search").isZero();
      assertThat(drSmithSees("Condition")).isZero();
      assertThat(drSmithSees("Patient")).isZero();

      // revoke it: dr Smith sees her record again
      browser.click(By.xpath("//article[contains(., 'cannot see anything')]//button[.='Revoke']"));
      browser.waitForText(By.id("main"), "Revoked");
      browser.waitUntil(d -> d.findElements(By.cssSelector("article.revoked")).size() == 1);
      assertThat(drSmithSees("Observation")).as("after revoking the deny").isEqualTo(4);

      // mental health for Dr Jones only
      browser.click(By.cssSelector("input[name=template][value=keep-category]"));
      browser
          .driver
          .findElement(By.cssSelector(".template-fields select"))
          .sendKeys("Mental-health records");
      browser.click(By.xpath("//label[.='A practitioner']"));
      browser.type(By.cssSelector(".picker input[type=search]"), "Jones");
      browser.click(By.xpath("//fieldset[contains(@class,'picker')]//button[.='Search']"));
      browser.click(By.cssSelector("input[value='Practitioner/" + drJones + "']"));
      browser.waitForText(By.cssSelector(".chips"), "Maria Jones");
      browser.click(By.xpath("//button[.='Save this choice']"));
      browser.waitForText(By.id("main"), "Only Dr. Maria Jones can see my mental-health records.");
      assertThat(drSmithSees("Condition"))
          .as("dr Smith no longer sees the depression")
          .isEqualTo(1);

      // the preview shows the difference
      browser.click(By.cssSelector("nav a[href='#preview']"));
      previewFor(browser, "Smith", drSmith);
      browser.waitForText(By.cssSelector(".preview-result"), "1 stays hidden");
      assertThat(browser.text(By.cssSelector(".hidden-list"))).contains("depressive");
      assertAccessible(browser, "preview-desktop");
      previewFor(browser, "Jones", drJones);
      browser.waitForText(By.cssSelector(".preview-result"), "would see all");

      // her log shows dr Smith
      browser.click(By.cssSelector("nav a[href='#access']"));
      browser.waitForText(By.id("main"), "Alex Smith");
      assertThat(browser.text(By.id("main"))).contains(clinicName).contains("for treatment");
      assertAccessible(browser, "access-desktop");

      // download everything
      browser.click(By.cssSelector("nav a[href='#data']"));
      browser.click(By.xpath("//button[.='Download my record']"));
      browser.click(By.xpath("//dialog//button[.='Download']"));
      browser.waitForText(By.cssSelector(".progress"), "was saved as");
      JsonNode bundle = downloadedBundle(browser.downloads);
      assertThat(bundle.path("type").asText()).isEqualTo("collection");
      assertThat(bundle.toString()).contains("Essential hypertension").contains("Alice");
      assertAccessible(browser, "data-desktop");

      // erase: nothing happens until she acknowledges
      browser.click(By.xpath("//button[starts-with(., 'Erase my encrypted data')]"));
      By erase = By.xpath("//dialog//button[.='Erase my encrypted data']");
      assertThat(browser.waitFor(erase).isEnabled()).isFalse();
      assertAccessible(browser, "erase-dialog-desktop");
      browser.click(By.cssSelector("dialog input[type=checkbox]"));
      browser.click(erase);
      browser.waitForText(By.cssSelector(".done"), "was erased");
      String stored = sendAs(ehrToken(), "GET", "/Patient/" + alice, null, null).body();
      assertThat(stored).doesNotContain("Alice");
    }
  }

  private void previewFor(Browser browser, String name, String practitioner) {
    browser.click(By.xpath("//label[.='A practitioner']"));
    browser.type(By.cssSelector(".picker input[type=search]"), name);
    browser.click(By.xpath("//fieldset[contains(@class,'picker')]//button[.='Search']"));
    browser.click(By.cssSelector("input[value='Practitioner/" + practitioner + "']"));
    browser.click(By.xpath("//button[.='Show what they would see']"));
  }

  private int drSmithSees(String type) throws Exception {
    String body =
        sendAs(
                drSmithToken,
                "GET",
                "/" + type + "?patient=Patient/" + alice + "&_count=50",
                null,
                null)
            .body();
    JsonNode entries = JSON.readTree(body).path("entry");
    return entries.size();
  }

  private static JsonNode downloadedBundle(Path folder) throws Exception {
    for (int i = 0; i < 50; i++) {
      try (var files = Files.list(folder)) {
        var done = files.filter(f -> f.toString().endsWith(".json")).findFirst();
        if (done.isPresent()) {
          return JSON.readTree(done.get().toFile());
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no file was downloaded into " + folder);
  }
}
