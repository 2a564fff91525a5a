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

export async function render(container, { session, names }) {
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
      events,
    ),
  );
  await loadEvents(session, names, events, 0);
}

async function loadEvents(session, names, target, offset) {
  const bundle = await session.request(
    `AuditEvent?_count=${PAGE}&_offset=${offset}`,
  );
  const rows = (bundle.entry ?? []).map((e) => e.resource);
  await names.load(
    rows
      .map((event) => requestor(event)?.who?.reference)
      .filter((r) => /^(Practitioner|Organization)\//.test(r ?? "")),
  );
  const table =
    target.querySelector("tbody") ??
    (() => {
      const body = h("tbody", {});
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
            body,
          ),
        ),
      );
      return body;
    })();
  for (const event of rows) table.append(eventRow(event, session, names));
  target.querySelector(".more")?.remove();
  const total = bundle.total ?? 0;
  const seen = offset + rows.length;
  if (!total && !rows.length) {
    target.replaceChildren(
      h("p", { class: "empty" }, "No accesses are recorded."),
    );
  } else if (seen < total) {
    const more = h(
      "button",
      {
        type: "button",
        class: "more",
        onclick: async () => {
          more.disabled = true;
          await loadEvents(session, names, target, seen);
          table.rows[seen]?.querySelector("th")?.focus();
        },
      },
      `Show more (${seen} of ${total} shown)`,
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
