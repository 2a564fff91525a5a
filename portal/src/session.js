// Signing in (SMART standalone launch through fhirclient: authorization code with PKCE S256 at
// Keycloak, public client consentry-app) and every call to the FHIR API with the patient's own
// token. Errors become PortalError with a sentence a patient can act on.

const FHIR = globalThis.FHIR;
export const CLIENT_ID = "consentry-app";
/** Reading the record, writing one's own Consents, and erasing one's own data (Patient.write). */
export const SCOPES =
  "openid fhirUser launch/patient patient/*.read patient/Consent.write patient/Patient.write";

/** A failure explained for the patient: kind is "offline", "expired", "refused" or "server". */
export class PortalError extends Error {
  constructor(kind, message, status = 0) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

/** The FHIR base of the server that serves the portal (/portal/ is beside /fhir). */
export function fhirBase() {
  return new URL("../fhir", new URL(".", location.href)).href.replace(
    /\/$/,
    "",
  );
}

function redirectUri() {
  return new URL(".", location.href).href;
}

/** Whether this page load returns from Keycloak or continues a session of this tab. */
export function hasSession() {
  const query = new URLSearchParams(location.search);
  return (
    (query.has("code") && query.has("state")) ||
    !!sessionStorage.getItem("SMART_KEY")
  );
}

async function smartConfiguration() {
  let response;
  try {
    response = await fetch(`${fhirBase()}/.well-known/smart-configuration`, {
      cache: "no-store",
    });
  } catch {
    throw new PortalError(
      "offline",
      "The Consentry server cannot be reached. Check your connection, then try again.",
    );
  }
  if (!response.ok) {
    throw new PortalError(
      "server",
      `The Consentry server answered ${response.status} when asked how to sign in. Try again later.`,
    );
  }
  return response.json();
}

/**
 * Starts the sign-in: checks that the server and Keycloak answer (so the patient sees a sentence
 * rather than a browser error page), then lets fhirclient redirect to Keycloak.
 */
export async function signIn() {
  const configuration = await smartConfiguration();
  const issuer = configuration.issuer;
  try {
    // an opaque answer is enough: it shows that Keycloak is up
    await fetch(`${issuer}/.well-known/openid-configuration`, {
      mode: "no-cors",
      cache: "no-store",
    });
  } catch {
    throw new PortalError(
      "offline",
      `The sign-in service (Keycloak, ${new URL(issuer).origin}) cannot be reached. Try again in a few minutes; if it persists, tell the people who run this service.`,
    );
  }
  await FHIR.oauth2.authorize({
    iss: fhirBase(),
    clientId: CLIENT_ID,
    scope: SCOPES,
    redirectUri: redirectUri(),
    pkceMode: "required",
  });
}

/** The signed-in session: who the patient is, and requests with their token. */
export class Session {
  static async resume() {
    let client;
    try {
      client = await FHIR.oauth2.ready();
    } catch (error) {
      sessionStorage.removeItem("SMART_KEY");
      throw new PortalError(
        "expired",
        `Signing in did not complete (${error.message}). Sign in again.`,
      );
    }
    // a clean address bar: no code or state to bookmark or share
    if (location.search)
      history.replaceState(null, "", location.pathname + location.hash);
    return new Session(client);
  }

  constructor(client) {
    this.client = client;
    this.patientId = client.patient.id ?? patientOf(client);
    if (!this.patientId) {
      throw new PortalError(
        "refused",
        "This account is not linked to a patient record, so the portal has nothing to show. Ask the people who run this service to link it.",
      );
    }
  }

  get patientReference() {
    return `Patient/${this.patientId}`;
  }

  /** The access token, refreshed at Keycloak shortly before it expires. */
  async token() {
    const state = this.client.state;
    if ((state.expiresAt ?? 0) - 20 < Date.now() / 1000) await this.refresh();
    return state.tokenResponse.access_token;
  }

  async refresh() {
    const state = this.client.state;
    const refreshToken = state.tokenResponse?.refresh_token;
    if (!refreshToken || !state.tokenUri) {
      throw new PortalError(
        "expired",
        "Your session has ended. Sign in again to go on.",
      );
    }
    let response;
    try {
      response = await fetch(state.tokenUri, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: refreshToken,
          client_id: CLIENT_ID,
        }),
      });
    } catch {
      throw new PortalError(
        "offline",
        "The sign-in service (Keycloak) cannot be reached to renew your session. Try again in a few minutes.",
      );
    }
    if (!response.ok) {
      throw new PortalError(
        "expired",
        "Your session has ended. Sign in again to go on.",
      );
    }
    const renewed = await response.json();
    state.tokenResponse = { ...state.tokenResponse, ...renewed };
    state.expiresAt =
      Math.floor(Date.now() / 1000) + (renewed.expires_in ?? 300);
    const key = JSON.parse(sessionStorage.getItem("SMART_KEY") ?? "null");
    if (key) sessionStorage.setItem(key, JSON.stringify(state));
  }

  /** A request to a path under the FHIR base (or a full URL of it); returns the parsed body. */
  async request(path, { method = "GET", body, headers = {} } = {}) {
    const url = /^https?:/.test(path)
      ? path
      : `${fhirBase()}/${path.replace(/^\//, "")}`;
    const options = {
      method,
      headers: { Accept: "application/fhir+json", ...headers },
      cache: "no-store",
    };
    options.headers.Authorization = `Bearer ${await this.token()}`;
    if (body !== undefined) {
      options.body = JSON.stringify(body);
      options.headers["Content-Type"] = "application/fhir+json";
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch {
      throw new PortalError(
        "offline",
        "The Consentry server cannot be reached. Check your connection, then try again.",
      );
    }
    const text = await response.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!response.ok) throw explain(response.status, parsed);
    return parsed;
  }

  /** Every entry of a search, following next links, up to max resources. */
  async searchAll(path, max = 1000, onProgress = () => {}) {
    const resources = [];
    let bundle = await this.request(path);
    for (;;) {
      for (const entry of bundle.entry ?? []) {
        if (entry.resource && entry.search?.mode !== "outcome")
          resources.push(entry.resource);
      }
      onProgress(resources.length);
      const next = (bundle.link ?? []).find((l) => l.relation === "next")?.url;
      if (!next || resources.length >= max) return resources.slice(0, max);
      bundle = await this.request(next);
    }
  }

  /** Signs out at Keycloak too (so the next person at this screen must sign in). */
  async signOut() {
    const idToken = this.client.state.tokenResponse?.id_token;
    sessionStorage.clear();
    let issuer = null;
    try {
      issuer = (await smartConfiguration()).issuer;
    } catch {
      // offline: the session of this tab is gone all the same
    }
    if (!issuer) {
      location.assign(redirectUri());
      return;
    }
    const logout = new URL(`${issuer}/protocol/openid-connect/logout`);
    logout.searchParams.set("client_id", CLIENT_ID);
    logout.searchParams.set("post_logout_redirect_uri", redirectUri());
    if (idToken) logout.searchParams.set("id_token_hint", idToken);
    location.assign(logout.href);
  }
}

function patientOf(client) {
  const fhirUser = client.getFhirUser?.();
  if (fhirUser?.startsWith("Patient/"))
    return fhirUser.slice("Patient/".length);
  const token = client.state.tokenResponse?.access_token;
  try {
    const claims = JSON.parse(
      atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")),
    );
    return claims.patient ?? null;
  } catch {
    return null;
  }
}

/** A failed answer as a sentence: session over, refused (with the server's reason), or down. */
function explain(status, outcome) {
  const diagnostics =
    outcome?.resourceType === "OperationOutcome"
      ? outcome.issue
          ?.map((i) => i.diagnostics ?? i.details?.text)
          .filter(Boolean)
          .join(" ")
      : null;
  if (status === 401) {
    return new PortalError(
      "expired",
      "Your session has ended. Sign in again to go on.",
      status,
    );
  }
  if (status === 503) {
    return new PortalError(
      "server",
      diagnostics ||
        "The Consentry server cannot serve this right now. Try again in a minute.",
      status,
    );
  }
  if (status >= 500) {
    return new PortalError(
      "server",
      "The Consentry server failed on this request. Try again later.",
      status,
    );
  }
  return new PortalError(
    "refused",
    diagnostics
      ? `The server refused this: ${diagnostics}`
      : `The server refused this (${status}).`,
    status,
  );
}
