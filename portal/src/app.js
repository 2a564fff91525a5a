// The portal's shell: sign-in, the five screens (hash routes), errors and announcements.
import { h, nameText, replace } from "./dom.js";
import { PortalError, Session, hasSession, signIn } from "./session.js";
import { Names } from "./names.js";
import * as record from "./views/record.js";
import * as sharing from "./views/sharing.js";
import * as preview from "./views/preview.js";
import * as access from "./views/access.js";
import * as data from "./views/data.js";

const ROUTES = {
  record: { title: "My record", view: record },
  sharing: { title: "My sharing choices", view: sharing },
  preview: { title: "What would they see?", view: preview },
  access: { title: "Who accessed my record", view: access },
  data: { title: "My data", view: data },
};

const main = document.getElementById("main");
const alertBox = document.getElementById("alert");
const status = document.getElementById("status");
let context = null;
let rendering = 0;

/** Says something to screen readers without moving focus. */
function announce(message) {
  status.textContent = "";
  setTimeout(() => (status.textContent = message), 50);
}

function clearAlert() {
  alertBox.hidden = true;
  alertBox.replaceChildren();
}

/** Shows an error where everyone sees it, with the one action that helps. */
function fail(error) {
  const portalError =
    error instanceof PortalError
      ? error
      : new PortalError(
          "server",
          `Something went wrong in the portal: ${error.message}`,
        );
  const action =
    portalError.kind === "expired"
      ? h(
          "button",
          { type: "button", onclick: () => startSignIn() },
          "Sign in again",
        )
      : h("button", { type: "button", onclick: () => route() }, "Try again");
  replace(alertBox, h("p", {}, portalError.message), action);
  alertBox.hidden = false;
  alertBox.focus?.();
}

async function startSignIn() {
  sessionStorage.clear();
  clearAlert();
  try {
    await signIn();
  } catch (error) {
    fail(error);
  }
}

function showSignIn(error) {
  document.getElementById("nav").hidden = true;
  replace(
    main,
    h(
      "section",
      { class: "welcome" },
      h("h1", {}, "Your health record, your choices"),
      h(
        "p",
        {},
        "See what is in your record, decide who may see it, and find out who looked at it.",
      ),
      h(
        "button",
        {
          type: "button",
          class: "primary",
          id: "sign-in",
          onclick: () => startSignIn(),
        },
        "Sign in",
      ),
    ),
  );
  if (error) fail(error);
}

async function route() {
  if (!context) return;
  const name = location.hash.replace(/^#/, "");
  const target = ROUTES[name] ?? ROUTES.record;
  if (!ROUTES[name]) history.replaceState(null, "", "#record");
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.getAttribute("href") === `#${name in ROUTES ? name : "record"}`) {
      link.setAttribute("aria-current", "page");
    } else {
      link.removeAttribute("aria-current");
    }
  }
  document.title = `${target.title} · Consentry`;
  clearAlert();
  const ticket = ++rendering;
  const container = h("div", { class: "view" });
  replace(main, h("h1", { tabindex: "-1" }, target.title), container);
  main.querySelector("h1").focus();
  container.append(h("p", { class: "loading" }, "Loading…"));
  try {
    await target.view.render(container, context);
  } catch (error) {
    if (ticket === rendering) {
      container.replaceChildren();
      fail(error);
    }
  }
}

async function start() {
  document.getElementById("skip").addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  if (!hasSession()) {
    showSignIn();
    return;
  }
  let session;
  try {
    session = await Session.resume();
  } catch (error) {
    showSignIn(error);
    return;
  }
  context = { session, names: new Names(session), announce, fail };
  document.getElementById("nav").hidden = false;
  const signOut = document.getElementById("sign-out");
  signOut.hidden = false;
  signOut.addEventListener("click", () => session.signOut());
  window.addEventListener("hashchange", route);
  route();
  try {
    const patient = await session.request(`Patient/${session.patientId}`);
    const who = nameText(patient.name);
    document.getElementById("who").textContent = who
      ? `Signed in as ${who}`
      : "";
  } catch (error) {
    if (error.kind === "expired" || error.kind === "offline") fail(error);
  }
}

start();
