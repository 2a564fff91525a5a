// "Who accessed my record": the server's plain-language report ($access-report) with emergency
// accesses and research disclosures highlighted, then the individual events (AuditEvent), newest
// first, a page at a time.
import { conceptText, h, moment, replace, scrollable, uid } from "../dom.js";

const FLAGS = {
  emergency: { label: "Emergency access", class: "flag-emergency" },
  research: { label: "Research disclosure", class: "flag-research" },
  disclosure: { label: "Shared in an export", class: "flag-research" },
  blocked: { label: "Blocked by your choices", class: "flag-blocked" },
  change: { label: "Changed", class: "flag-change" },
  access: { label: "Viewed", class: "flag-access" },
};
const PAGE = 20;

function partsOf(parameter) {
  const out = { what: [] };
  for (const part of parameter.part ?? []) {
    const value =
      part.valueString ??
      part.valueCode ??
      part.valueInteger ??
      part.valueDateTime ??
      part.valueReference?.reference;
    if (part.name === "what") out.what.push(value);
    else out[part.name] = value;
  }
  return out;
}

export async function render(container, { session, names, fail }) {
  const report = await session.request(
    `Patient/${session.patientId}/$access-report`,
  );
  const parameters = report.parameter ?? [];
  const summary =
    parameters.find((p) => p.name === "summary")?.valueString ?? "";
  const groups = parameters.filter((p) => p.name === "access").map(partsOf);
  const order = [
    "emergency",
    "research",
    "disclosure",
    "blocked",
    "change",
    "access",
  ];
  groups.sort(
    (a, b) =>
      order.indexOf(a.flag) - order.indexOf(b.flag) ||
      (b.last ?? "").localeCompare(a.last ?? ""),
  );
  const eventsId = uid("events");
  const events = h("div", {});
  replace(
    container,
    h(
      "p",
      { class: "lead" },
      summary || "Nobody has accessed your record yet.",
    ),
    groups.length
      ? h(
          "ul",
          { class: "access-list" },
          groups.map((g) => {
            const flag = FLAGS[g.flag] ?? FLAGS.access;
            return h(
              "li",
              { class: `access ${flag.class}` },
              h("p", { class: "flag" }, flag.label),
              h(
                "p",
                { class: "who" },
                g.who,
                g.organization
                  ? h("span", { class: "detail" }, ` · ${g.organization}`)
                  : "",
              ),
              h("p", {}, g.text ?? ""),
              h(
                "p",
                { class: "meta" },
                `${g.count} time${g.count === 1 ? "" : "s"}, last on ${moment(g.last)}`,
              ),
            );
          }),
        )
      : null,
    h(
      "section",
      { class: "card", "aria-labelledby": eventsId },
      h("h2", { id: eventsId }, "Every access, newest first"),
      h(
        "p",
        { class: "choice" },
        h("input", {
          type: "checkbox",
          id: `${eventsId}-own`,
          onchange: (event) => {
            view.own = event.target.checked;
            events.replaceChildren();
            loadEvents(view, 0).catch(fail);
          },
        }),
        h(
          "label",
          { for: `${eventsId}-own` },
          "Include my own use of this portal",
        ),
      ),
      events,
    ),
  );
  const view = { session, names, target: events, own: false };
  await loadEvents(view, 0);
}

/**
 * Appends the accesses from offset on, a page at a time; without "my own use", the patient's own
 * requests are left out (and further pages are read until some remain, or none are left).
 */
async function loadEvents(view, offset) {
  const { session, names, target } = view;
  let bundle;
  let rows = [];
  let next = offset;
  for (let pages = 0; pages < 5; pages++) {
    bundle = await session.request(`AuditEvent?_count=${PAGE}&_offset=${next}`);
    const page = (bundle.entry ?? []).map((e) => e.resource);
    next += page.length;
    rows = rows.concat(
      view.own
        ? page
        : page.filter(
            (e) => requestor(e)?.who?.reference !== session.patientReference,
          ),
    );
    if (rows.length || !page.length || next >= (bundle.total ?? 0)) break;
  }
  await names.load(
    rows
      .map((event) => requestor(event)?.who?.reference)
      .filter((r) => /^(Practitioner|Organization)\//.test(r ?? "")),
  );
  let table = target.querySelector("tbody");
  if (!table) {
    table = h("tbody", {});
    target.append(
      scrollable(
        "Every access to your record",
        h(
          "table",
          {},
          h(
            "caption",
            { class: "visually-hidden" },
            "Every access to your record",
          ),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["When", "Who", "What", "Why"].map((c) =>
                h("th", { scope: "col" }, c),
              ),
            ),
          ),
          table,
        ),
      ),
    );
  }
  const before = table.rows.length;
  for (const event of rows) table.append(eventRow(event, session, names));
  target.querySelector(".more")?.remove();
  target.querySelector(".empty")?.remove();
  const total = bundle.total ?? 0;
  if (!table.rows.length) {
    target.append(
      h("p", { class: "empty" }, "No accesses by others are recorded yet."),
    );
  }
  if (next < total) {
    const more = h(
      "button",
      {
        type: "button",
        class: "more",
        onclick: async () => {
          more.disabled = true;
          await loadEvents(view, next);
          table.rows[before + rows.length]?.querySelector("th")?.focus();
        },
      },
      `Show older accesses (${next} of ${total} read)`,
    );
    target.append(more);
  }
}

const ACTIONS = {
  read: "Viewed",
  vread: "Viewed a version",
  "search-type": "Searched",
  "search-system": "Searched",
  "history-instance": "Viewed the history",
  create: "Added",
  update: "Changed",
  patch: "Changed",
  delete: "Deleted",
  operation: "Ran an operation",
};

function requestor(event) {
  return (event.agent ?? []).find((a) => a.requestor) ?? null;
}

function eventRow(event, session, names) {
  const user = requestor(event);
  const reference = user?.who?.reference;
  const who =
    reference === session.patientReference
      ? "You"
      : (user?.who?.display ??
        (reference ? names.of(reference) : null) ??
        user?.who?.identifier?.value ??
        event.agent?.find((a) => a.who?.identifier?.value)?.who.identifier
          .value ??
        "Unknown");
  const purpose = (event.purposeOfEvent ?? [])
    .map((p) => conceptText(p))
    .join(", ");
  const emergency = (event.purposeOfEvent ?? []).some((p) =>
    (p.coding ?? []).some((c) => c.code === "ETREAT"),
  );
  const code = event.subtype?.[0]?.code ?? "";
  const what =
    ACTIONS[code] ??
    (conceptText(event.subtype?.[0], "") ||
      conceptText({ coding: [event.type] }, ""));
  const research = /disclos|research/i.test(
    what + " " + (event.type?.code ?? ""),
  );
  return h(
    "tr",
    { class: emergency ? "flag-emergency" : research ? "flag-research" : "" },
    h("th", { scope: "row", tabindex: "-1" }, moment(event.recorded)),
    h("td", {}, who),
    h(
      "td",
      {},
      what,
      emergency ? h("strong", {}, " · emergency") : "",
      research ? h("strong", {}, " · research") : "",
    ),
    h("td", {}, purpose || "—"),
  );
}
