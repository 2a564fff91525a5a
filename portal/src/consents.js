// A patient's sharing choices: the FHIR Consents the portal writes for each template, and the
// plain-language sentences it shows for any Consent (its own and those written elsewhere). Pure
// functions, no DOM and no network, so node's test runner checks them (test/consents.test.js).
//
// The Consent shapes follow the consent engine's rules: a nested provision overrides its parent,
// deny wins at the same depth, research is opt-in (research scope, purpose HRESCH), and a deny that
// names an emergency purpose refuses "break the glass".

const ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
const ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
const SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope";
const STUDY_CONTEXT =
  "http://hl7.org/fhir/StructureDefinition/consent-ResearchStudyContext";
const EMERGENCY = new Set(["ETREAT", "BTG", "ERTREAT"]);
/** Marks the Consents the portal wrote, and which template (so it can show them as such). */
export const TEMPLATE_TAG =
  "http://consentry.org/fhir/CodeSystem/portal-template";

/** The sensitive categories a patient can keep private, with the labels the terminology module sets. */
export const CATEGORIES = [
  {
    id: "mental-health",
    label: "mental-health records",
    labels: ["PSY", "BH"],
  },
  {
    id: "substance-use",
    label: "substance-use records",
    labels: ["ETH", "ETHUD"],
  },
  {
    id: "sexual-health",
    label: "sexual and reproductive health records",
    labels: ["SEX"],
  },
  { id: "hiv", label: "HIV records", labels: ["HIV"] },
  { id: "violence", label: "records of violence or abuse", labels: ["SDV"] },
  { id: "genetics", label: "genetic records", labels: ["GDIS"] },
];

const LABEL_WORDS = new Map(
  CATEGORIES.flatMap((c) => c.labels.map((code) => [code, c.label])).concat([
    ["SCA", "sickle-cell records"],
    ["MST", "military sexual trauma records"],
    ["COGN", "records of cognitive disability"],
    ["DVD", "records of developmental disability"],
    ["EMOTDIS", "records of emotional disturbance"],
    ["SPI", "specially protected records"],
  ]),
);

const PURPOSE_WORDS = {
  TREAT: "treatment",
  ETREAT: "emergency treatment",
  HPAYMT: "payment",
  HOPERAT: "healthcare operations",
  HRESCH: "research",
  PUBHLTH: "public health",
  HMARKT: "marketing",
};

function header(patientId, scope, template, now) {
  return {
    resourceType: "Consent",
    meta: { tag: [{ system: TEMPLATE_TAG, code: template }] },
    status: "active",
    scope: { coding: [{ system: SCOPE, code: scope }] },
    category: [{ coding: [{ system: "http://loinc.org", code: "59284-0" }] }],
    patient: { reference: `Patient/${patientId}` },
    dateTime: now.toISOString(),
  };
}

function actorsOf(references) {
  return references.map((reference) => ({ reference: { reference } }));
}

/** "Keep an organization (or a practitioner) from seeing my record": denies it everything. */
export function denyActor(patientId, actorReference, now = new Date()) {
  if (
    !/^(Organization|Practitioner)\/[A-Za-z0-9\-.]{1,64}$/.test(
      actorReference ?? "",
    )
  ) {
    throw new Error("Choose an organization or a practitioner first.");
  }
  return {
    ...header(patientId, "patient-privacy", "deny-actor", now),
    provision: { type: "deny", actor: actorsOf([actorReference]) },
  };
}

/**
 * "Keep a sensitive category from everyone except chosen people": the category's data is denied to
 * all (depth 0), and permitted to the chosen actors (depth 1 overrides it for them).
 */
export function keepCategory(
  patientId,
  categoryId,
  exceptReferences = [],
  now = new Date(),
) {
  const category = CATEGORIES.find((c) => c.id === categoryId);
  if (!category)
    throw new Error("Choose which kind of records to keep private.");
  const provision = {
    type: "deny",
    securityLabel: category.labels.map((code) => ({ system: ACT_CODE, code })),
  };
  if (exceptReferences.length > 0) {
    provision.provision = [
      { type: "permit", actor: actorsOf(exceptReferences) },
    ];
  }
  return {
    ...header(patientId, "patient-privacy", "keep-category", now),
    provision,
  };
}

/** "Take part in research": all studies, or only the one named. */
export function joinResearch(
  patientId,
  studyReference = null,
  now = new Date(),
) {
  const provision = {
    type: "permit",
    purpose: [{ system: ACT_REASON, code: "HRESCH" }],
  };
  if (studyReference) {
    provision.extension = [
      { url: STUDY_CONTEXT, valueReference: { reference: studyReference } },
    ];
  }
  return { ...header(patientId, "research", "research", now), provision };
}

/** "Refuse emergency access": a deny that names the emergency purposes explicitly. */
export function refuseEmergency(patientId, now = new Date()) {
  return {
    ...header(patientId, "patient-privacy", "refuse-emergency", now),
    provision: {
      type: "deny",
      purpose: [...EMERGENCY].map((code) => ({ system: ACT_REASON, code })),
    },
  };
}

/** The same Consent, revoked (inactive) or restored (active). */
export function withStatus(consent, status) {
  return { ...consent, status };
}

/** Whether a Consent, active now, refuses emergency access. */
export function refusesEmergency(consent) {
  const p = consent.provision;
  return (
    consent.status === "active" &&
    p?.type === "deny" &&
    (p.purpose ?? []).some((c) => EMERGENCY.has(c.code)) &&
    !(p.actor ?? []).length
  );
}

// ---- plain language ------------------------------------------------------------------------

function list(words) {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function labelWords(provision) {
  const words = [];
  for (const coding of provision.securityLabel ?? []) {
    const word =
      LABEL_WORDS.get(coding.code) ?? `records labelled ${coding.code}`;
    if (!words.includes(word)) words.push(word);
  }
  return words;
}

function dataWords(provision) {
  const parts = [];
  const labels = labelWords(provision);
  if (labels.length) parts.push(`my ${list(labels)}`);
  const classes = (provision.class ?? []).map((c) => c.code).filter(Boolean);
  if (classes.length) parts.push(`my ${list(classes)} records`);
  const codes = (provision.code ?? []).map(
    (c) => c.text ?? c.coding?.[0]?.display ?? c.coding?.[0]?.code,
  );
  if (codes.length) parts.push(`records of ${list(codes.filter(Boolean))}`);
  const data = (provision.data ?? [])
    .map((d) => d.reference?.reference)
    .filter(Boolean);
  if (data.length)
    parts.push(
      data.length === 1 ? "one chosen record" : `${data.length} chosen records`,
    );
  return parts.length ? list(parts) : null;
}

function actorWords(provision, nameOf) {
  return (provision.actor ?? [])
    .map((a) => a.reference?.reference)
    .filter(Boolean)
    .map((reference) => nameOf(reference));
}

function purposeWords(provision) {
  return (provision.purpose ?? []).map(
    (c) => PURPOSE_WORDS[c.code] ?? c.display ?? c.code,
  );
}

function periodWords(provision) {
  const end = provision.period?.end;
  const start = provision.period?.start;
  const parts = [];
  if (start) parts.push(`from ${start.slice(0, 10)}`);
  if (end) parts.push(`until ${end.slice(0, 10)}`);
  return parts.length ? ` (${parts.join(" ")})` : "";
}

function studiesOf(provision, nameOf) {
  return (provision.extension ?? [])
    .filter((e) => e.url === STUDY_CONTEXT)
    .map((e) => e.valueReference?.reference)
    .filter(Boolean)
    .map((reference) => nameOf(reference));
}

function isResearch(consent) {
  return (consent.scope?.coding ?? []).some((c) => c.code === "research");
}

/** One sentence for a provision, whatever its shape; nested ones read as exceptions ("But ..."). */
function genericSentence(provision, nameOf, depth) {
  const actors = actorWords(provision, nameOf);
  const data = dataWords(provision) ?? "anything in my record";
  const purposes = purposeWords(provision);
  const forPurpose = purposes.length ? ` for ${list(purposes)}` : "";
  const deny = provision.type === "deny";
  let clause;
  if (actors.length)
    clause = `${list(actors)} ${deny ? "cannot" : "can"} see ${data}`;
  else clause = `${deny ? "nobody" : "everyone"} can see ${data}`;
  const sentence =
    depth === 0 ? clause[0].toUpperCase() + clause.slice(1) : `But ${clause}`;
  return `${sentence}${forPurpose}${periodWords(provision)}.`;
}

/**
 * The sentences that say what a Consent does, e.g. "Baystate Noble Hospital cannot see anything." or
 * "Only Dr. Feil can see my mental-health records." nameOf(reference) gives a display name.
 */
export function describe(consent, nameOf = (reference) => reference) {
  const p = consent.provision;
  if (!p) {
    const rule = consent.policyRule?.coding?.[0]?.code;
    if (rule === "OPTIN" || rule === "OPTINR")
      return ["Everyone may see my record (opt-in)."];
    if (rule === "OPTOUT" || rule === "OPTOUTE")
      return ["Nobody may see my record (opt-out)."];
    return ["A sharing choice without rules (it has no effect)."];
  }
  const children = p.provision ?? [];
  const actors = actorWords(p, nameOf);
  const purposes = (p.purpose ?? []).map((c) => c.code);
  const period = periodWords(p);

  if (isResearch(consent) || purposes.includes("HRESCH")) {
    const studies = studiesOf(p, nameOf);
    const which = studies.length
      ? `the study ${list(studies.map((s) => `“${s}”`))}`
      : "research studies";
    const sentences = [
      p.type === "deny"
        ? `I do not take part in ${which}${period}.`
        : `I take part in ${which}${period}; researchers receive my data without my name or other identifying details.`,
    ];
    for (const child of children) {
      const data = dataWords(child);
      const childStudies = studiesOf(child, nameOf);
      if (child.type === "deny" && data)
        sentences.push(`Research does not receive ${data}.`);
      else if (child.type === "deny" && childStudies.length)
        sentences.push(
          `I do not take part in ${list(childStudies.map((s) => `“${s}”`))}.`,
        );
    }
    return sentences;
  }

  if (
    p.type === "deny" &&
    purposes.some((c) => EMERGENCY.has(c)) &&
    !actors.length
  ) {
    return [
      "I refuse emergency access: a clinician who “breaks the glass” cannot see my record.",
    ];
  }
  if (
    p.type === "permit" &&
    purposes.length &&
    purposes.every((c) => EMERGENCY.has(c))
  ) {
    return [
      "Clinicians may open my record in an emergency (“break the glass”).",
    ];
  }

  const data = dataWords(p);
  if (
    p.type === "deny" &&
    actors.length &&
    !data &&
    !purposes.length &&
    !children.length
  ) {
    return actors.map((a) => `${a} cannot see anything${period}.`);
  }
  if (
    p.type === "deny" &&
    actors.length &&
    data &&
    !purposes.length &&
    !children.length
  ) {
    return [`${list(actors)} cannot see ${data}${period}.`];
  }
  // keep a category private, with or without exceptions
  const exceptions = children.filter(
    (c) => c.type === "permit" && actorWords(c, nameOf).length,
  );
  if (
    p.type === "deny" &&
    !actors.length &&
    data &&
    exceptions.length === children.length
  ) {
    const allowed = exceptions.flatMap((c) => actorWords(c, nameOf));
    return allowed.length
      ? [`Only ${list(allowed)} can see ${data}${period}.`]
      : [`Nobody can see ${data}${period}.`];
  }
  // permit all, deny a category, except to chosen actors (the consent engine's own example)
  if (
    p.type === "permit" &&
    !actors.length &&
    !data &&
    children.length === 1 &&
    children[0].type === "deny" &&
    dataWords(children[0]) &&
    !(children[0].actor ?? []).length
  ) {
    const inner = children[0];
    const allowed = (inner.provision ?? [])
      .filter((c) => c.type === "permit")
      .flatMap((c) => actorWords(c, nameOf));
    return allowed.length
      ? [`Only ${list(allowed)} can see ${dataWords(inner)}${period}.`]
      : [`Nobody can see ${dataWords(inner)}${period}.`];
  }

  const sentences = [genericSentence(p, nameOf, 0)];
  const walk = (provision, depth) => {
    for (const child of provision.provision ?? []) {
      sentences.push(genericSentence(child, nameOf, depth));
      walk(child, depth + 1);
    }
  };
  walk(p, 1);
  return sentences;
}

/** The references a Consent names (actors and studies), to look their names up once. */
export function referencesIn(consent) {
  const found = new Set();
  const walk = (provision) => {
    if (!provision) return;
    for (const actor of provision.actor ?? []) {
      if (actor.reference?.reference) found.add(actor.reference.reference);
    }
    for (const e of provision.extension ?? []) {
      if (e.url === STUDY_CONTEXT && e.valueReference?.reference) {
        found.add(e.valueReference.reference);
      }
    }
    (provision.provision ?? []).forEach(walk);
  };
  walk(consent.provision);
  return [...found];
}
