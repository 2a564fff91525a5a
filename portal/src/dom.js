// A small helper to build DOM nodes. Text always goes in as text (never parsed as HTML), so data
// from the server cannot inject markup.

/**
 * h("p", { class: "note" }, "text", child) makes an element. Attributes whose name starts with "on"
 * become event listeners; false, null and undefined attributes are left out; children may be
 * strings, nodes, arrays or nothing.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** SVG elements (charts). */
export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined)
      element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

/** Replaces the content of a node. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

let nextId = 0;
/** A fresh id for label/field and heading/region pairs. */
export function uid(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** A date as the reader's locale writes it (day precision); "" when missing. */
export function day(value) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleDateString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
  });
}

/** A date and time in the reader's locale. */
export function moment(value) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  });
}

/** The human text of a CodeableConcept: its text, else its first coding's display or code. */
export function conceptText(concept, fallback = "") {
  if (!concept) return fallback;
  if (concept.text) return concept.text;
  const coding =
    (concept.coding ?? []).find((c) => c.display) ?? concept.coding?.[0];
  return coding?.display ?? coding?.code ?? fallback;
}

/** A HumanName as one line ("Dr. Jane Smith"). */
export function nameText(names) {
  const name = (names ?? []).find((n) => n.use === "official") ?? names?.[0];
  if (!name) return "";
  if (name.text) return name.text;
  return [...(name.prefix ?? []), ...(name.given ?? []), name.family]
    .filter(Boolean)
    .join(" ");
}

/**
 * A wide table's wrapper: it scrolls sideways on a narrow screen, and can then be scrolled with the
 * keyboard too (it takes focus, and is named for screen readers).
 */
export function scrollable(label, ...children) {
  return h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": label },
    ...children,
  );
}
