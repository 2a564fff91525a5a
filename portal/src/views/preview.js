// "What would they see?": for an organization or a practitioner the patient picks, the server's
// consent decision over the whole record ($consent-decision with patient=), as counts per kind of
// record and the list of what stays hidden.
import { day, h, replace, scrollable, uid } from "../dom.js";
import { describe, referencesIn } from "../consents.js";
import { directoryPicker } from "../widgets.js";

const TYPE_WORDS = {
  AllergyIntolerance: "allergies",
  CarePlan: "care plans",
  CareTeam: "care teams",
  Claim: "claims",
  Condition: "conditions",
  Consent: "sharing choices",
  Device: "devices",
  DiagnosticReport: "reports",
  DocumentReference: "documents",
  Encounter: "visits",
  ExplanationOfBenefit: "insurance statements",
  ImagingStudy: "imaging studies",
  Immunization: "immunizations",
  MedicationAdministration: "medications given",
  MedicationRequest: "prescriptions",
  Observation: "measurements and results",
  Patient: "your details",
  Procedure: "procedures",
  Provenance: "provenance records",
  SupplyDelivery: "supply deliveries",
};

function parts(parameter) {
  const out = {};
  for (const part of parameter.part ?? []) out[part.name] = valueOf(part);
  return out;
}

function valueOf(p) {
  return (
    p.valueInteger ??
    p.valueString ??
    p.valueCode ??
    p.valueBoolean ??
    p.valueDateTime ??
    p.valueReference?.reference
  );
}

export async function render(container, context) {
  const { session, names, fail, announce } = context;
  let chosen = null;
  // why something is hidden, in the words of the choice that hides it
  const consents = await session.searchAll("Consent?_count=100", 500);
  await names.load(consents.flatMap(referencesIn));
  const because = new Map(
    consents.map((c) => [
      `Consent/${c.id}`,
      describe(c, (r) => names.of(r)).join(" "),
    ]),
  );
  const result = h("div", { class: "preview-result", tabindex: "-1" });
  const show = async (event) => {
    event.preventDefault();
    if (!chosen) {
      replace(
        result,
        h(
          "p",
          { class: "error" },
          "Search for an organization or a practitioner, and choose one.",
        ),
      );
      result.focus();
      return;
    }
    replace(result, h("p", {}, `Asking what ${chosen.name} would see…`));
    let answer;
    try {
      answer = await session.request(
        `$consent-decision?patient=${encodeURIComponent(session.patientReference)}&actor=${encodeURIComponent(chosen.reference)}&purpose=TREAT`,
      );
    } catch (error) {
      replace(result);
      fail(error);
      return;
    }
    drawResult(result, chosen, answer, because);
    announce(result.querySelector(".summary")?.textContent ?? "");
    result.focus();
  };
  replace(
    container,
    h(
      "p",
      { class: "lead" },
      "Choose someone to see your record through their eyes, for treatment, with the choices you have in force now.",
    ),
    h(
      "form",
      { class: "card", onsubmit: show, novalidate: true },
      directoryPicker({
        names,
        fail,
        legend: "Whose view?",
        types: ["Organization", "Practitioner"],
        onChoose: (choice) => (chosen = choice),
      }),
      h(
        "button",
        { type: "submit", class: "primary" },
        "Show what they would see",
      ),
    ),
    result,
  );
}

function drawResult(result, chosen, answer, because) {
  const parameters = answer.parameter ?? [];
  const get = (name) => valueOf(parameters.find((p) => p.name === name) ?? {});
  const shown = get("shown") ?? 0;
  const hidden = get("hidden") ?? 0;
  const types = parameters.filter((p) => p.name === "type").map(parts);
  const hiddenItems = parameters
    .filter((p) => p.name === "hiddenResource")
    .map(parts);
  const tableId = uid("types");
  replace(
    result,
    h(
      "section",
      { class: "card" },
      h("h2", {}, `${chosen.name}'s view`),
      h(
        "p",
        { class: "summary" },
        hidden === 0
          ? `${chosen.name} would see all ${shown} items of your record.`
          : `${chosen.name} would see ${shown} of ${shown + hidden} items of your record; ${hidden} ${hidden === 1 ? "stays" : "stay"} hidden.`,
      ),
      scrollable(
        "By kind of record",
        h(
          "table",
          { id: tableId },
          h("caption", {}, "By kind of record"),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, "Kind"),
              h("th", { scope: "col" }, "Would see"),
              h("th", { scope: "col" }, "Hidden"),
            ),
          ),
          h(
            "tbody",
            {},
            types.map((t) =>
              h(
                "tr",
                { class: t.hidden ? "has-hidden" : "" },
                h("th", { scope: "row" }, TYPE_WORDS[t.name] ?? t.name),
                h("td", {}, String(t.shown ?? 0)),
                h("td", {}, String(t.hidden ?? 0)),
              ),
            ),
          ),
        ),
      ),
      hiddenItems.length
        ? h(
            "div",
            {},
            h("h3", {}, "Hidden from them"),
            h(
              "ul",
              { class: "hidden-list" },
              hiddenItems.map((item) =>
                h(
                  "li",
                  {},
                  h("strong", {}, item.display ?? item.resource),
                  item.date ? ` (${day(item.date)})` : "",
                  h(
                    "span",
                    { class: "reason" },
                    ` · because: ${because.get(item.consent) ?? item.reason ?? ""}`,
                  ),
                ),
              ),
            ),
            get("truncated")
              ? h(
                  "p",
                  { class: "note" },
                  "Only the first 200 hidden items are listed.",
                )
              : null,
          )
        : null,
    ),
  );
}
