// Display names of the organizations, practitioners and studies a patient's Consents and previews
// name, looked up once per reference (the directory is readable with the patient's token).
import { nameText } from "./dom.js";

const TYPES = ["Organization", "Practitioner", "ResearchStudy"];

export class Names {
  constructor(session) {
    this.session = session;
    this.known = new Map();
  }

  /** The display name of a reference, or the reference itself until it is loaded. */
  of(reference) {
    return this.known.get(reference) ?? reference;
  }

  remember(resource) {
    this.known.set(
      `${resource.resourceType}/${resource.id}`,
      displayName(resource),
    );
  }

  /** Loads the names of the references not known yet (one search per type). */
  async load(references) {
    const missing = references.filter((r) => !this.known.has(r));
    for (const type of TYPES) {
      const ids = missing
        .filter((r) => r.startsWith(`${type}/`))
        .map((r) => r.split("/")[1]);
      if (!ids.length) continue;
      const found = await this.session.searchAll(
        `${type}?_id=${ids.map(encodeURIComponent).join(",")}&_count=100`,
        ids.length,
      );
      found.forEach((resource) => this.remember(resource));
    }
  }

  /** Finds organizations or practitioners whose name (a part of it, for people) begins so. */
  async find(type, text) {
    const query = encodeURIComponent(text.trim());
    const resources = await this.session.searchAll(
      `${type}?name=${query}&_count=20`,
      20,
    );
    resources.forEach((resource) => this.remember(resource));
    return resources.map((resource) => ({
      reference: `${resource.resourceType}/${resource.id}`,
      name: displayName(resource),
      detail: detailOf(resource),
    }));
  }
}

export function displayName(resource) {
  switch (resource.resourceType) {
    case "Practitioner":
      return nameText(resource.name) || `Practitioner ${resource.id}`;
    case "ResearchStudy":
      return resource.title || `Study ${resource.id}`;
    default:
      return resource.name || `${resource.resourceType} ${resource.id}`;
  }
}

function detailOf(resource) {
  const address = resource.address?.[0];
  const place = [address?.city, address?.state].filter(Boolean).join(", ");
  if (resource.resourceType === "Practitioner") {
    const qualification = resource.qualification?.[0]?.code?.text;
    return [qualification, place].filter(Boolean).join(" · ");
  }
  return place;
}
