// Validates every manifest under deploy/kubernetes against the Kubernetes API schemas, offline: kubernetes-models
// carries a validator for each API type, generated from the Kubernetes OpenAPI spec (types, required fields,
// formats such as int-or-string and quantities). Prints one line per document and ends with
// "manifests: N passed, N failed" (.ci/run adds those to the test counts); exits 1 when any document fails.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");

function manifests(directory) {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      return entry.name === "check" ? [] : manifests(path);
    }
    return entry.name.endsWith(".yaml") ? [path] : [];
  }).sort();
}

// apiVersion "apps/v1" and kind "Deployment" are the module kubernetes-models/apps/v1/Deployment; the core group's
// "v1" is kubernetes-models/v1/...
async function modelOf(apiVersion, kind) {
  if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion ?? "") || !/^[A-Za-z]+$/.test(kind ?? "")) {
    throw new Error(`apiVersion '${apiVersion}' and kind '${kind}' name no Kubernetes type`);
  }
  try {
    const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
    return module[kind];
  } catch {
    throw new Error(`${apiVersion} ${kind} is not a type of the Kubernetes API that kubernetes-models knows`);
  }
}

let passed = 0;
let failed = 0;
for (const file of manifests(root)) {
  const name = relative(root, file);
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  for (const [index, document] of documents.entries()) {
    const where = `${name}#${index + 1}`;
    try {
      if (document.errors.length > 0) {
        throw new Error(`not valid YAML: ${document.errors[0].message}`);
      }
      const manifest = document.toJS();
      if (manifest === null) {
        continue; // an empty document (a trailing ---)
      }
      const Model = await modelOf(manifest.apiVersion, manifest.kind);
      new Model(manifest).validate();
      console.log(`ok    ${where} ${manifest.kind}/${manifest.metadata?.name}`);
      passed++;
    } catch (error) {
      const details = (error.errors ?? []).map((e) => `\n        ${e.instancePath || "/"} ${e.message ?? e.keyword} ${JSON.stringify(e.params ?? {})}`).join("");
      console.log(`FAIL  ${where}: ${error.message}${details}`);
      failed++;
    }
  }
}

console.log(`manifests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
