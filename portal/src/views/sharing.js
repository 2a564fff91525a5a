// "My sharing choices": the patient's Consents in plain language, each revocable and restorable,
// and templates to add one. Every change is a FHIR Consent written with the patient's own token.
import { day, h, replace, uid } from "../dom.js";
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
} from "../consents.js";
import { confirmAction, directoryPicker, radio } from "../widgets.js";

const TEMPLATES = [
  {
    id: "deny-organization",
    label: "Keep an organization from seeing my record",
  },
  {
    id: "deny-practitioner",
    label: "Keep a practitioner from seeing my record",
  },
  { id: "keep-category", label: "Keep a kind of sensitive record private" },
  { id: "research", label: "Take part in research" },
  { id: "emergency", label: "Emergency access (“break the glass”)" },
];

export async function render(container, context) {
  const { session, names } = context;
  const consents = await session.searchAll("Consent?_count=100", 500);
  await names.load(consents.flatMap(referencesIn));
  consents.sort((a, b) => (b.dateTime ?? "").localeCompare(a.dateTime ?? ""));
  const active = consents.filter((c) => c.status === "active");
  const revoked = consents.filter((c) => c.status === "inactive");
  const rerender = async (focusId) => {
    await render(container, context);
    if (focusId)
      container.querySelector(`[data-consent="${focusId}"]`)?.focus();
  };
  replace(
    container,
    h(
      "p",
      { class: "lead" },
      "Unless you say otherwise here, the people who treat you can see your record, and researchers cannot. Each choice below is in force until you revoke it.",
    ),
    choiceList(
      "In force",
      active,
      context,
      rerender,
      "You have not made any choices: the defaults apply.",
    ),
    revoked.length
      ? choiceList("Revoked", revoked, context, rerender, "")
      : null,
    addForm(context, consents, rerender),
  );
}

function choiceList(title, consents, context, rerender, empty) {
  const id = uid("list");
  return h(
    "section",
    { class: "card", "aria-labelledby": id },
    h("h2", { id }, title),
    consents.length
      ? h(
          "ul",
          { class: "choices" },
          consents.map((consent) =>
            h("li", {}, choiceItem(consent, context, rerender)),
          ),
        )
      : h("p", { class: "empty" }, empty),
  );
}

function choiceItem(consent, { session, names, announce, fail }, rerender) {
  const sentences = describe(consent, (reference) => names.of(reference));
  const active = consent.status === "active";
  const change = async () => {
    const next = withStatus(consent, active ? "inactive" : "active");
    try {
      await session.request(`Consent/${consent.id}`, {
        method: "PUT",
        body: next,
      });
    } catch (error) {
      fail(error);
      return;
    }
    announce(`${active ? "Revoked" : "Restored"}: ${sentences.join(" ")}`);
    await rerender(consent.id);
  };
  return h(
    "article",
    {
      class: `choice-card ${active ? "" : "revoked"}`,
      tabindex: "-1",
      "data-consent": consent.id,
    },
    sentences.map((s) => h("p", { class: "sentence" }, s)),
    h(
      "p",
      { class: "meta" },
      active
        ? `In force since ${day(consent.dateTime)}`
        : `Revoked (made ${day(consent.dateTime)})`,
    ),
    h(
      "button",
      {
        type: "button",
        class: active ? "quiet" : "",
        "aria-label": `${active ? "Revoke" : "Restore"}: ${sentences[0]}`,
        onclick: change,
      },
      active ? "Revoke" : "Restore",
    ),
  );
}

/** The form to add a choice: a template, then its few fields. */
function addForm(context, consents, rerender) {
  const { session, announce, fail } = context;
  const formId = uid("add");
  const fields = h("div", { class: "template-fields" });
  let current = null; // { build(): Consent | null, after?: () => Promise }
  const chooseTemplate = (id) => {
    current = TEMPLATE_FIELDS[id](context, consents);
    replace(fields, current.element);
  };
  const submit = async (event) => {
    event.preventDefault();
    if (!current) {
      replace(
        errors,
        h("p", { class: "error" }, "Choose what you want to do first."),
      );
      errors.focus();
      return;
    }
    let consent;
    try {
      consent = await current.build();
    } catch (error) {
      replace(errors, h("p", { class: "error" }, error.message));
      errors.focus();
      return;
    }
    replace(errors);
    try {
      if (consent) {
        const created = await session.request("Consent", {
          method: "POST",
          body: consent,
        });
        announce(
          `Saved: ${describe(created, (r) => context.names.of(r)).join(" ")}`,
        );
        await rerender(created.id);
      } else {
        await rerender();
      }
    } catch (error) {
      fail(error);
    }
  };
  const errors = h("div", {
    class: "form-errors",
    tabindex: "-1",
    "aria-live": "assertive",
  });
  return h(
    "section",
    { class: "card", "aria-labelledby": formId },
    h("h2", { id: formId }, "Add a choice"),
    h(
      "form",
      { onsubmit: submit, novalidate: true },
      h(
        "fieldset",
        { class: "templates" },
        h("legend", {}, "What do you want to do?"),
        TEMPLATES.map((template) =>
          radio({
            name: "template",
            value: template.id,
            label: template.label,
            onchange: () => chooseTemplate(template.id),
          }),
        ),
      ),
      fields,
      errors,
      h("button", { type: "submit", class: "primary" }, "Save this choice"),
    ),
  );
}

function actorTemplate(type) {
  return ({ names, fail, session }) => {
    let chosen = null;
    const element = directoryPicker({
      names,
      fail,
      legend:
        type === "Organization" ? "Which organization?" : "Which practitioner?",
      types: [type],
      onChoose: (choice) => (chosen = choice),
    });
    return {
      element,
      build: () => denyActor(session.patientId, chosen?.reference),
    };
  };
}

const TEMPLATE_FIELDS = {
  "deny-organization": actorTemplate("Organization"),
  "deny-practitioner": actorTemplate("Practitioner"),

  "keep-category": ({ names, fail, session }) => {
    const selectId = uid("category");
    const except = new Map();
    const list = h("ul", { class: "chips", "aria-live": "polite" });
    const draw = () =>
      replace(
        list,
        [...except.values()].map((choice) =>
          h(
            "li",
            {},
            choice.name,
            h(
              "button",
              {
                type: "button",
                class: "quiet small",
                "aria-label": `Remove ${choice.name}`,
                onclick: () => {
                  except.delete(choice.reference);
                  draw();
                },
              },
              "Remove",
            ),
          ),
        ),
      );
    const select = h(
      "select",
      { id: selectId },
      h("option", { value: "" }, "Choose…"),
      CATEGORIES.map((c) =>
        h(
          "option",
          { value: c.id },
          c.label[0].toUpperCase() + c.label.slice(1),
        ),
      ),
    );
    const element = h(
      "div",
      {},
      h("label", { for: selectId }, "Which records?"),
      select,
      directoryPicker({
        names,
        fail,
        legend: "Who may still see them? (optional; add as many as you like)",
        types: ["Practitioner", "Organization"],
        onChoose: (choice) => {
          except.set(choice.reference, choice);
          draw();
        },
      }),
      h("p", { class: "hint" }, "Allowed to see them:"),
      list,
    );
    return {
      element,
      build: () =>
        keepCategory(session.patientId, select.value, [...except.keys()]),
    };
  },

  research: ({ session, names }) => {
    const selectId = uid("study");
    const select = h(
      "select",
      { id: selectId, disabled: true },
      h("option", { value: "" }, "Loading studies…"),
    );
    session
      .searchAll("ResearchStudy?status=active&_count=50", 50)
      .then((studies) => {
        studies.forEach((s) => names.remember(s));
        replace(
          select,
          h(
            "option",
            { value: "" },
            studies.length ? "Choose a study…" : "No study is recruiting",
          ),
          studies.map((s) =>
            h(
              "option",
              { value: `ResearchStudy/${s.id}` },
              names.of(`ResearchStudy/${s.id}`),
            ),
          ),
        );
      })
      .catch(() =>
        replace(
          select,
          h("option", { value: "" }, "The studies could not be loaded"),
        ),
      );
    const element = h(
      "fieldset",
      {},
      h("legend", {}, "Which research?"),
      radio({
        name: "research",
        value: "all",
        label: "Any approved study",
        checked: true,
        onchange: () => (select.disabled = true),
      }),
      radio({
        name: "research",
        value: "one",
        label: "Only this study:",
        onchange: () => (select.disabled = false),
      }),
      h("label", { for: selectId, class: "visually-hidden" }, "Study"),
      select,
      h(
        "p",
        { class: "hint" },
        "Researchers never receive your name, address or other identifying details, and you can revoke this at any time.",
      ),
    );
    return {
      element,
      build: () => {
        const one = element.querySelector(
          "input[name=research][value=one]",
        ).checked;
        if (one && !select.value)
          throw new Error("Choose the study, or choose any approved study.");
        return joinResearch(session.patientId, one ? select.value : null);
      },
    };
  },

  emergency: ({ session, announce }, consents) => {
    const element = h(
      "fieldset",
      {},
      h(
        "legend",
        {},
        "In an emergency, may a clinician open the records you have hidden?",
      ),
      radio({
        name: "emergency",
        value: "allow",
        label:
          "Yes (the default): every such access is recorded and shown to you",
        checked: true,
      }),
      radio({
        name: "emergency",
        value: "refuse",
        label: "No: refuse emergency access to my record",
      }),
    );
    return {
      element,
      build: async () => {
        if (
          element.querySelector("input[name=emergency][value=refuse]").checked
        )
          return refuseEmergency(session.patientId);
        const refusals = consents.filter(refusesEmergency);
        if (!refusals.length) {
          announce("Emergency access is already allowed: nothing to change.");
          return null;
        }
        const ok = await confirmAction({
          title: "Allow emergency access again?",
          body: h("p", {}, "This revokes your refusal of emergency access."),
          confirm: "Allow emergency access",
        });
        if (!ok) return null;
        for (const consent of refusals) {
          await session.request(`Consent/${consent.id}`, {
            method: "PUT",
            body: { ...consent, status: "inactive" },
          });
        }
        announce("Emergency access is allowed again.");
        return null;
      },
    };
  },
};
