// "My data": download everything ($everything, every page, as one FHIR Bundle file) and erase one's
// encrypted data ($erase), each after a confirmation that says what it does and does not do.
import { h, replace } from "../dom.js";
import { confirmAction } from "../widgets.js";

export async function render(container, { session, announce, fail }) {
  const progress = h("p", { class: "progress", "aria-live": "polite" });
  const download = async () => {
    const ok = await confirmAction({
      title: "Download everything?",
      body: [
        h(
          "p",
          {},
          "This saves a copy of your whole record to this device as one FHIR JSON file.",
        ),
        h(
          "p",
          {},
          "It does not change or delete anything. Keep the file safe: anyone who has it can read it.",
        ),
      ],
      confirm: "Download",
    });
    if (!ok) return;
    try {
      const resources = await session.searchAll(
        `Patient/${session.patientId}/$everything?_count=200`,
        Number.MAX_SAFE_INTEGER,
        (n) => (progress.textContent = `Collected ${n} items…`),
      );
      const bundle = {
        resourceType: "Bundle",
        type: "collection",
        timestamp: new Date().toISOString(),
        entry: resources.map((resource) => ({ resource })),
      };
      const file = new Blob([JSON.stringify(bundle, null, 2)], {
        type: "application/fhir+json",
      });
      const link = h("a", {
        href: URL.createObjectURL(file),
        download: `my-health-record-${new Date().toISOString().slice(0, 10)}.json`,
      });
      document.body.append(link);
      link.click();
      link.remove();
      progress.textContent = `Your record (${resources.length} items) was saved as ${link.download}.`;
      announce(progress.textContent);
    } catch (error) {
      progress.textContent = "";
      fail(error);
    }
  };
  const erase = async () => {
    const ok = await confirmAction({
      title: "Erase your encrypted data?",
      danger: true,
      body: [
        h("p", {}, "What it does:"),
        h(
          "ul",
          {},
          h(
            "li",
            {},
            "Destroys the key that protects the encrypted parts of your record, in every version: your name, contact details, address, identifiers and photo; free-text notes, narratives and attached documents; and the values of your most sensitive records.",
          ),
          h(
            "li",
            {},
            "From then on, nobody can read those parts again: not the hospitals, not researchers, not you. It cannot be undone.",
          ),
          h(
            "li",
            {},
            "You can no longer be found by name or identifier, and new data for you is refused.",
          ),
        ),
        h("p", {}, "What it does not do:"),
        h(
          "ul",
          {},
          h(
            "li",
            {},
            "It does not delete the rest of your record (coded diagnoses, most measurements, dates): that stays readable, without your name, to those you allow.",
          ),
          h(
            "li",
            {},
            "It does not reach copies made before: files you downloaded, or exports already sent.",
          ),
          h("li", {}, "The record of who accessed your data is kept."),
        ),
      ],
      acknowledge: "I understand that this cannot be undone.",
      confirm: "Erase my encrypted data",
    });
    if (!ok) return;
    try {
      await session.request(`Patient/${session.patientId}/$erase`, {
        method: "POST",
      });
      replace(
        eraseResult,
        h(
          "p",
          { class: "done" },
          "Your encrypted data was erased. Its key no longer exists.",
        ),
      );
      announce("Your encrypted data was erased.");
    } catch (error) {
      fail(error);
    }
  };
  const eraseResult = h("div", { "aria-live": "polite" });
  replace(
    container,
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Download everything"),
      h(
        "p",
        {},
        "A copy of your whole record, in the standard FHIR format that other health apps read.",
      ),
      h(
        "button",
        { type: "button", class: "primary", onclick: download },
        "Download my record",
      ),
      progress,
    ),
    h(
      "section",
      { class: "card danger-zone" },
      h("h2", {}, "Erase my encrypted data"),
      h(
        "p",
        {},
        "Destroys the key of the sensitive parts of your record, for good. You will be asked to confirm, and told exactly what it does and does not do.",
      ),
      h(
        "button",
        { type: "button", class: "danger", onclick: erase },
        "Erase my encrypted data…",
      ),
      eraseResult,
    ),
  );
}
