// Builds the portal into a folder the server serves at /portal: the app's own files as they are
// (plain ES modules, no bundler) and SMART's client library (fhirclient), taken from its npm
// package and checked against the integrity hash pinned in package.json.
//
//   node build.mjs [OUT]   (default: target/classes/META-INF/resources/portal)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const out =
  process.argv[2] ?? join(here, "target/classes/META-INF/resources/portal");
const pinned = JSON.parse(readFileSync(join(here, "package.json"), "utf8"))
  .consentry.fhirclient;

function fail(message) {
  console.error(`portal build: ${message}`);
  process.exit(1);
}

/** The fhirclient package tarball, fetched once from the npm registry into node_modules/.vendor. */
function fhirclientTarball() {
  const folder = join(here, "node_modules/.vendor");
  const file = join(folder, `fhirclient-${pinned.version}.tgz`);
  if (!existsSync(file)) {
    mkdirSync(folder, { recursive: true });
    try {
      execFileSync(
        "npm",
        [
          "pack",
          `fhirclient@${pinned.version}`,
          "--pack-destination",
          folder,
          "--silent",
        ],
        { stdio: ["ignore", "ignore", "inherit"] },
      );
    } catch {
      fail(
        `could not fetch fhirclient ${pinned.version} from the npm registry (npm pack failed)`,
      );
    }
  }
  const bytes = readFileSync(file);
  const integrity =
    "sha512-" + createHash("sha512").update(bytes).digest("base64");
  if (integrity !== pinned.integrity) {
    rmSync(file);
    fail(
      `fhirclient ${pinned.version} does not match the pinned integrity hash; refusing to use it`,
    );
  }
  return bytes;
}

/** The files of a tar archive, by name (ustar: 512-byte headers, contents padded to 512). */
function untar(tar) {
  const files = new Map();
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    if (!name) break;
    const size = parseInt(
      header.subarray(124, 136).toString("utf8").trim() || "0",
      8,
    );
    files.set(name, tar.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

const files = untar(gunzipSync(fhirclientTarball()));
const library = files.get(`package/${pinned.file}`);
if (!library) fail(`fhirclient ${pinned.version} has no ${pinned.file}`);

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "vendor"), { recursive: true });
cpSync(join(here, "src"), out, { recursive: true });
writeFileSync(join(out, "vendor/fhir-client.js"), library);
writeFileSync(
  join(out, "vendor/fhirclient-LICENSE.txt"),
  files.get("package/LICENSE") ?? "",
);
