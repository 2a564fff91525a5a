// Form pieces shared by the screens: a directory search (organization or practitioner by name) and a
// confirmation dialog. Both work with the keyboard alone and name every field.
import { h, replace, uid } from "./dom.js";

/**
 * A search of the directory by name, with the results as radio buttons. onChoose(choice) gets
 * { reference, name } when one is chosen. types: which of "Organization" and "Practitioner".
 */
export function directoryPicker({ names, legend, types, onChoose, fail }) {
  const inputId = uid("find");
  const hintId = uid("hint");
  let type = types[0];
  const results = h("div", { class: "results", "aria-live": "polite" });
  const input = h("input", {
    id: inputId,
    type: "search",
    autocomplete: "off",
    "aria-describedby": hintId,
  });
  const hint = h("p", { id: hintId, class: "hint" });
  const setHint = () => {
    hint.textContent =
      type === "Practitioner"
        ? "Type the beginning of a practitioner's family or given name (e.g. Smi for Smith)."
        : "Type the beginning of the organization's name (e.g. Baystate).";
  };
  setHint();
  const typeChoice =
    types.length > 1
      ? h(
          "div",
          {
            class: "choice-row",
            role: "radiogroup",
            "aria-label": "Search for",
          },
          types.map((t, index) => {
            const id = uid("type");
            return h(
              "span",
              { class: "choice" },
              h("input", {
                type: "radio",
                id,
                name: `${inputId}-type`,
                value: t,
                checked: index === 0,
                onchange: () => {
                  type = t;
                  setHint();
                  results.replaceChildren();
                },
              }),
              h(
                "label",
                { for: id },
                t === "Organization" ? "An organization" : "A practitioner",
              ),
            );
          }),
        )
      : null;
  const search = async (event) => {
    event?.preventDefault();
    const text = input.value.trim();
    if (!text) {
      replace(
        results,
        h("p", { class: "error" }, "Type a name to search for."),
      );
      input.focus();
      return;
    }
    replace(results, h("p", {}, "Searching…"));
    try {
      const found = await names.find(type, text);
      if (!found.length) {
        replace(
          results,
          h("p", {}, `No ${type.toLowerCase()} named “${text}” was found.`),
        );
        return;
      }
      const group = `${inputId}-pick`;
      replace(
        results,
        h(
          "fieldset",
          { class: "picks" },
          h("legend", {}, `${found.length} found: choose one`),
          found.map((choice) => {
            const id = uid("pick");
            return h(
              "div",
              { class: "choice" },
              h("input", {
                type: "radio",
                id,
                name: group,
                value: choice.reference,
                onchange: () => onChoose(choice),
              }),
              h(
                "label",
                { for: id },
                choice.name,
                choice.detail
                  ? h("span", { class: "detail" }, ` · ${choice.detail}`)
                  : "",
              ),
            );
          }),
        ),
      );
    } catch (error) {
      replace(results, "");
      fail(error);
    }
  };
  // Enter in the field searches rather than submitting the surrounding form
  input.addEventListener(
    "keydown",
    (event) => event.key === "Enter" && search(event),
  );
  return h(
    "fieldset",
    { class: "picker" },
    h("legend", {}, legend),
    typeChoice,
    h(
      "label",
      { for: inputId },
      types.length > 1 ? "Name" : `${types[0]} name`,
    ),
    hint,
    h(
      "div",
      { class: "search-row" },
      input,
      h("button", { type: "button", onclick: search }, "Search"),
    ),
    results,
  );
}

/** A radio button and its label, kept together on one line. */
export function radio({
  name,
  value,
  label,
  checked = false,
  onchange = null,
}) {
  const id = uid(name);
  return h(
    "div",
    { class: "choice" },
    h("input", { type: "radio", id, name, value, checked, onchange }),
    h("label", { for: id }, label),
  );
}

/**
 * Asks before an action that matters. Resolves true when confirmed. The dialog is modal (focus
 * stays in it, Escape cancels) and says what the action does and does not do.
 */
export function confirmAction({
  title,
  body,
  confirm,
  danger = false,
  acknowledge = null,
}) {
  return new Promise((resolve) => {
    const titleId = uid("dialog");
    const checkId = uid("ack");
    const confirmButton = h(
      "button",
      {
        type: "submit",
        value: "yes",
        class: danger ? "danger" : "primary",
        disabled: !!acknowledge,
      },
      confirm,
    );
    const dialog = h(
      "dialog",
      { "aria-labelledby": titleId },
      h(
        "form",
        { method: "dialog" },
        h("h2", { id: titleId }, title),
        body,
        acknowledge
          ? h(
              "p",
              { class: "choice" },
              h("input", {
                type: "checkbox",
                id: checkId,
                onchange: (event) =>
                  (confirmButton.disabled = !event.target.checked),
              }),
              h("label", { for: checkId }, acknowledge),
            )
          : null,
        h(
          "div",
          { class: "actions" },
          h(
            "button",
            { type: "submit", value: "no", class: "quiet" },
            "Cancel",
          ),
          confirmButton,
        ),
      ),
    );
    const opener = document.activeElement;
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "yes");
      dialog.remove();
      opener?.focus?.();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
