// "My record": conditions, medications, allergies, immunizations, vital signs with a chart of each
// over time, and measurements from wearable devices.
import { conceptText, day, h, replace, scrollable, uid } from "../dom.js";
import { lineChart } from "../chart.js";

const VITALS_SHOWN = 500;

export async function render(container, { session, announce }) {
  const [conditions, medications, allergies, immunizations, vitals, activity] =
    await Promise.all([
      session.searchAll("Condition?_count=100&_sort=-onset-date", 300),
      session.searchAll("MedicationRequest?_count=100&_sort=-authoredon", 300),
      session.searchAll("AllergyIntolerance?_count=100", 100),
      session.searchAll("Immunization?_count=100&_sort=-date", 200),
      session.searchAll(
        "Observation?category=vital-signs&_count=100&_sort=-date",
        VITALS_SHOWN,
      ),
      session.searchAll(
        "Observation?category=activity&_count=100&_sort=-date",
        VITALS_SHOWN,
      ),
    ]);
  const fromDevices = [...activity, ...vitals.filter((o) => o.device)];
  // current problems first, then the rest, newest first
  const active = (c) =>
    (c.clinicalStatus?.coding ?? []).some((x) => x.code === "active");
  conditions.sort((a, b) => Number(active(b)) - Number(active(a)));
  replace(
    container,
    h(
      "p",
      { class: "lead" },
      "Everything here comes from the hospitals and devices that send data about you. What others may see of it is up to you: see ",
      h("a", { href: "#sharing" }, "My sharing choices"),
      ".",
    ),
    section(
      "Conditions",
      conditions,
      ["Condition", "Status", "Since"],
      (c) => [
        conceptText(c.code, "Condition"),
        conceptText(c.clinicalStatus, "") || "—",
        day(c.onsetDateTime ?? c.recordedDate) || "—",
      ],
      "No conditions are recorded.",
    ),
    section(
      "Medications",
      medications,
      ["Medication", "Status", "Prescribed"],
      (m) => [
        conceptText(
          m.medicationCodeableConcept,
          m.medicationReference?.display ?? "Medication",
        ),
        m.status ?? "—",
        day(m.authoredOn) || "—",
      ],
      "No medications are recorded.",
    ),
    section(
      "Allergies",
      allergies,
      ["Allergy", "Criticality", "Recorded"],
      (a) => [
        conceptText(a.code, "Allergy"),
        a.criticality ?? "—",
        day(a.recordedDate) || "—",
      ],
      "No allergies are recorded.",
    ),
    section(
      "Immunizations",
      immunizations,
      ["Vaccine", "Date"],
      (i) => [
        conceptText(i.vaccineCode, "Vaccine"),
        day(i.occurrenceDateTime) || "—",
      ],
      "No immunizations are recorded.",
    ),
    measurements("Vital signs", vitals, "No vital signs are recorded."),
    measurements(
      "From your devices",
      fromDevices,
      "No measurements from wearable devices yet. When a watch or a home device sends data, it shows here.",
    ),
  );
  announce(
    `Your record: ${conditions.length} conditions, ${medications.length} medications, ${vitals.length} vital-sign measurements.`,
  );
}

function section(title, resources, columns, row, empty) {
  const id = uid("section");
  const body = resources.length
    ? scrollable(
        title,
        h(
          "table",
          {},
          h("caption", { class: "visually-hidden" }, title),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              columns.map((c) => h("th", { scope: "col" }, c)),
            ),
          ),
          h(
            "tbody",
            {},
            resources.map((resource) => {
              const [first, ...rest] = row(resource);
              return h(
                "tr",
                {},
                h("th", { scope: "row" }, first),
                rest.map((v) => h("td", {}, v)),
              );
            }),
          ),
        ),
      )
    : h("p", { class: "empty" }, empty);
  return h(
    "section",
    { "aria-labelledby": id, class: "card" },
    h(
      "h2",
      { id },
      title,
      resources.length
        ? h("span", { class: "count" }, ` (${resources.length})`)
        : "",
    ),
    body,
  );
}

/** Observations grouped by what they measure: latest value, and a chart when there are several. */
function measurements(title, observations, empty) {
  const id = uid("section");
  const groups = new Map();
  for (const observation of observations) {
    const reading = valuesOf(observation);
    const time =
      observation.effectiveDateTime ??
      observation.effectivePeriod?.start ??
      observation.issued;
    if (!reading || !time) continue;
    const key = conceptText(observation.code, "Measurement");
    if (!groups.has(key))
      groups.set(key, {
        unit: reading.unit,
        series: reading.series,
        points: [],
      });
    groups
      .get(key)
      .points.push({ time: new Date(time), values: reading.values });
  }
  const cards = [...groups.entries()]
    .sort((a, b) => b[1].points.length - a[1].points.length)
    .map(([name, group]) => measurementCard(name, group));
  return h(
    "section",
    { "aria-labelledby": id, class: "card" },
    h("h2", { id }, title),
    cards.length
      ? h("div", { class: "measures" }, cards)
      : h("p", { class: "empty" }, empty),
  );
}

function measurementCard(name, { unit, series, points }) {
  points.sort((a, b) => a.time - b.time);
  const latest = points[points.length - 1];
  const headingId = uid("measure");
  const shown = points.slice(-12).reverse();
  return h(
    "article",
    { class: "measure", "aria-labelledby": headingId },
    h("h3", { id: headingId }, name),
    h(
      "p",
      { class: "latest" },
      h("span", { class: "value" }, latest.values.map(format).join("/")),
      ` ${unit} `,
      h("span", { class: "when" }, `on ${day(latest.time)}`),
    ),
    points.length > 1 ? lineChart(points, { title: name, unit, series }) : null,
    h(
      "details",
      {},
      h("summary", {}, `All ${points.length} values`),
      scrollable(
        `${name}, all values`,
        h(
          "table",
          {},
          h("caption", { class: "visually-hidden" }, `${name}, latest first`),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, "Date"),
              h("th", { scope: "col" }, `Value (${unit})`),
            ),
          ),
          h(
            "tbody",
            {},
            shown.map((p) =>
              h(
                "tr",
                {},
                h("th", { scope: "row" }, day(p.time)),
                h("td", {}, p.values.map(format).join("/")),
              ),
            ),
          ),
        ),
        points.length > shown.length
          ? h(
              "p",
              { class: "note" },
              `The latest ${shown.length} of ${points.length} are listed.`,
            )
          : null,
      ),
    ),
  );
}

/** The numbers of an Observation: its value, or its components (blood pressure: systolic/diastolic). */
function valuesOf(observation) {
  if (observation.valueQuantity?.value !== undefined) {
    return {
      unit:
        observation.valueQuantity.unit ?? observation.valueQuantity.code ?? "",
      series: [""],
      values: [observation.valueQuantity.value],
    };
  }
  const components = (observation.component ?? []).filter(
    (c) => c.valueQuantity?.value !== undefined,
  );
  if (!components.length) return null;
  return {
    unit: components[0].valueQuantity.unit ?? "",
    series: components.map((c) => conceptText(c.code)),
    values: components.map((c) => c.valueQuantity.value),
  };
}

function format(value) {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
