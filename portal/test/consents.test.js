import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CATEGORIES,
  denyActor,
  describe,
  joinResearch,
  keepCategory,
  referencesIn,
  refuseEmergency,
  refusesEmergency,
  withStatus,
} from "../src/consents.js";

const names = {
  "Organization/bnh": "Baystate Noble Hospital",
  "Practitioner/feil": "Dr. Feil",
  "Practitioner/ng": "Dr. Ng",
  "ResearchStudy/s1": "Sleep and heart health",
};
const nameOf = (reference) => names[reference] ?? reference;
const now = new Date("2026-11-28T10:00:00Z");

test("denying an organization writes an active patient-privacy deny for that actor", () => {
  const consent = denyActor("alice", "Organization/bnh", now);
  assert.equal(consent.resourceType, "Consent");
  assert.equal(consent.status, "active");
  assert.equal(consent.patient.reference, "Patient/alice");
  assert.equal(consent.scope.coding[0].code, "patient-privacy");
  assert.deepEqual(consent.provision, {
    type: "deny",
    actor: [{ reference: { reference: "Organization/bnh" } }],
  });
  assert.deepEqual(describe(consent, nameOf), [
    "Baystate Noble Hospital cannot see anything.",
  ]);
});

test("a deny without a valid actor is refused before anything is sent", () => {
  assert.throws(
    () => denyActor("alice", "", now),
    /Choose an organization or a practitioner/,
  );
  assert.throws(() => denyActor("alice", "Patient/bob", now), /Choose/);
  assert.throws(() => denyActor("alice", "Organization/../x", now), /Choose/);
});

test("keeping mental health from everyone but one practitioner reads as 'Only ...'", () => {
  const consent = keepCategory(
    "alice",
    "mental-health",
    ["Practitioner/feil"],
    now,
  );
  assert.deepEqual(
    consent.provision.securityLabel.map((c) => c.code),
    ["PSY", "BH"],
  );
  assert.equal(consent.provision.type, "deny");
  assert.equal(consent.provision.provision[0].type, "permit");
  assert.deepEqual(describe(consent, nameOf), [
    "Only Dr. Feil can see my mental-health records.",
  ]);
  const two = keepCategory(
    "alice",
    "hiv",
    ["Practitioner/feil", "Practitioner/ng"],
    now,
  );
  assert.deepEqual(describe(two, nameOf), [
    "Only Dr. Feil and Dr. Ng can see my HIV records.",
  ]);
  const nobody = keepCategory("alice", "genetics", [], now);
  assert.equal(nobody.provision.provision, undefined);
  assert.deepEqual(describe(nobody, nameOf), [
    "Nobody can see my genetic records.",
  ]);
});

test("every category has a label and an unknown one is refused", () => {
  assert.equal(CATEGORIES.length, 6);
  for (const category of CATEGORIES) assert.ok(category.labels.length > 0);
  assert.throws(
    () => keepCategory("alice", "astrology", [], now),
    /Choose which kind/,
  );
});

test("the consent engine's own permit/deny/permit example reads the same way", () => {
  const consent = {
    resourceType: "Consent",
    status: "active",
    provision: {
      type: "permit",
      provision: [
        {
          type: "deny",
          securityLabel: [{ code: "PSY" }],
          provision: [
            {
              type: "permit",
              actor: [{ reference: { reference: "Practitioner/feil" } }],
            },
          ],
        },
      ],
    },
  };
  assert.deepEqual(describe(consent, nameOf), [
    "Only Dr. Feil can see my mental-health records.",
  ]);
});

test("research: all studies or one, opt-in with the research scope", () => {
  const all = joinResearch("alice", null, now);
  assert.equal(all.scope.coding[0].code, "research");
  assert.equal(all.provision.purpose[0].code, "HRESCH");
  assert.equal(all.provision.extension, undefined);
  assert.match(describe(all, nameOf)[0], /^I take part in research studies;/);
  const one = joinResearch("alice", "ResearchStudy/s1", now);
  assert.equal(
    one.provision.extension[0].valueReference.reference,
    "ResearchStudy/s1",
  );
  assert.match(
    describe(one, nameOf)[0],
    /^I take part in the study “Sleep and heart health”/,
  );
  assert.deepEqual(referencesIn(one), ["ResearchStudy/s1"]);
});

test("refusing emergency access names the emergency purposes and is recognised", () => {
  const consent = refuseEmergency("alice", now);
  assert.deepEqual(consent.provision.purpose.map((c) => c.code).sort(), [
    "BTG",
    "ERTREAT",
    "ETREAT",
  ]);
  assert.ok(refusesEmergency(consent));
  assert.ok(!refusesEmergency(withStatus(consent, "inactive")));
  assert.match(describe(consent, nameOf)[0], /refuse emergency access/);
});

test("revoke and restore change only the status", () => {
  const consent = denyActor("alice", "Practitioner/feil", now);
  const revoked = withStatus(consent, "inactive");
  assert.equal(revoked.status, "inactive");
  assert.deepEqual(revoked.provision, consent.provision);
  assert.equal(withStatus(revoked, "active").status, "active");
});

test("a Consent of another shape still gets sentences, never an empty list", () => {
  const consent = {
    resourceType: "Consent",
    status: "active",
    provision: {
      type: "permit",
      actor: [{ reference: { reference: "Organization/bnh" } }],
      class: [{ code: "Observation" }],
      purpose: [{ code: "TREAT" }],
      period: { end: "2027-12-31" },
      provision: [{ type: "deny", securityLabel: [{ code: "SEX" }] }],
    },
  };
  assert.deepEqual(describe(consent, nameOf), [
    "Baystate Noble Hospital can see my Observation records for treatment (until 2027-12-31).",
    "But nobody can see my sexual and reproductive health records.",
  ]);
  assert.deepEqual(describe({ resourceType: "Consent" }), [
    "A sharing choice without rules (it has no effect).",
  ]);
  assert.deepEqual(referencesIn(consent), ["Organization/bnh"]);
});
