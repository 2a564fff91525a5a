package org.consentry.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.consentry.cli.identity.TokenClient;
import org.consentry.server.ServerIT;
import org.consentry.server.TestKeycloak;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;

/** What the portal's browser tests share: the portal's address in Keycloak, data, signing in. */
abstract class PortalTestBase extends ServerIT {

  /** A suffix that makes this test's names unique in the shared database. */
  String s;

  @BeforeEach
  void portalAllowed() {
    TestKeycloak.users()
        .allowAppUrl(TokenClient.APP_CLIENT, URI.create("http://127.0.0.1:" + port));
    s = UUID.randomUUID().toString().substring(0, 6);
  }

  String portalUrl() {
    return "http://127.0.0.1:" + port + "/portal/";
  }

  void signIn(Browser browser, String user, String password) {
    browser.open(portalUrl());
    browser.click(By.id("sign-in"));
    browser.type(By.id("username"), user);
    browser.type(By.id("password"), password);
    browser.click(By.id("kc-login"));
    browser.waitFor(By.cssSelector("nav a[aria-current=page]"));
  }

  static void assertAccessible(Browser browser, String screen) throws Exception {
    List<String> violations = browser.accessibilityViolations();
    browser.screenshot(screen);
    assertThat(violations).as("axe-core WCAG 2.1 AA violations on " + screen).isEmpty();
  }

  String create(Resource resource) {
    return client().create().resource(resource).execute().getId().getIdPart();
  }

  static Practitioner practitioner(String given, String family) {
    Practitioner practitioner = new Practitioner();
    practitioner.addName().setFamily(family).addGiven(given).addPrefix("Dr.");
    return practitioner;
  }

  Condition condition(String patient, String system, String code, String display) {
    Condition condition = new Condition();
    condition.setSubject(new Reference("Patient/" + patient));
    condition.setCode(new CodeableConcept(new Coding(system, code, display)).setText(display));
    condition
        .getClinicalStatus()
        .addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/condition-clinical")
        .setCode("active");
    return condition;
  }

  Observation heartRate(String patient, int value, String when) {
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation
        .addCategory()
        .addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/observation-category")
        .setCode("vital-signs");
    observation.setCode(
        new CodeableConcept(new Coding("http://loinc.org", "8867-4", "Heart rate"))
            .setText("Heart rate"));
    observation.setSubject(new Reference("Patient/" + patient));
    observation.setEffective(new DateTimeType(when));
    observation.setValue(
        new Quantity().setValue(value).setUnit("/min").setSystem("http://unitsofmeasure.org"));
    return observation;
  }
}
