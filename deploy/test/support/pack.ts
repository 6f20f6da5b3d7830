// Renders deploy/nomad-pack the way `nomad-pack render` does: defaults from variables.hcl, --var overrides, Go templates.
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { renderGoTemplates } from "./go-template.js";
import { type HclBody, block, parseHcl } from "./hcl.js";

/** deploy/nomad-pack on disk. */
export const PACK_DIR = fileURLToPath(new URL("../../nomad-pack/", import.meta.url));

/** One declared pack variable with its default, as variables.hcl states it. */
export interface PackVariable {
  name: string;
  description: string;
  default: unknown;
}

/** Reads variables.hcl with HashiCorp's parser. */
export async function packVariables(): Promise<PackVariable[]> {
  const body = await parseHcl("variables.hcl", await readFile(`${PACK_DIR}variables.hcl`, "utf8"));
  const vars = body.variable as Record<string, HclBody[]>;
  return Object.keys(vars).map((name) => {
    const v = block(body, "variable", name);
    return { name, description: String(v.description ?? ""), default: v.default };
  });
}

/** Reads metadata.hcl into nomad-pack's meta map ({ pack: { name, … }, app: { url } }). */
export async function packMetadata(): Promise<Record<string, Record<string, unknown>>> {
  const body = await parseHcl("metadata.hcl", await readFile(`${PACK_DIR}metadata.hcl`, "utf8"));
  return { pack: block(body, "pack"), app: block(body, "app") };
}

/** The rendered job file and outputs message of one pack render. */
export interface RenderedPack {
  job: string;
  outputs: string;
}

let sources: ReturnType<typeof loadSources> | undefined;

async function loadSources() {
  const declared = await packVariables();
  const meta = await packMetadata();
  const name = String(meta.pack?.name);
  const files: Record<string, string> = {};
  for (const file of await readdir(`${PACK_DIR}templates`)) {
    files[`${name}/templates/${file}`] = await readFile(`${PACK_DIR}templates/${file}`, "utf8");
  }
  files[`${name}/outputs.tpl`] = await readFile(`${PACK_DIR}outputs.tpl`, "utf8");
  return { declared, meta, files };
}

/** Renders the pack with `--var` style overrides; an override of an undeclared variable is an error, as in nomad-pack. */
export async function renderPack(overrides: Record<string, unknown> = {}): Promise<RenderedPack> {
  // The pack's files do not change during a test run: read and parse them once.
  sources ??= loadSources();
  const { declared, meta, files } = await sources;
  const vars: Record<string, unknown> = Object.fromEntries(declared.map((v) => [v.name, v.default]));
  for (const [name, value] of Object.entries(overrides)) {
    if (!(name in vars)) throw new Error(`--var ${name}: the pack declares no such variable`);
    vars[name] = value;
  }
  const name = String(meta.pack?.name);
  const rendered = await renderGoTemplates({ files, context: { _self: { vars, meta } } });
  const job = rendered[`${name}/templates/agentkernel.nomad.tpl`];
  const outputs = rendered[`${name}/outputs.tpl`];
  if (job === undefined || outputs === undefined) throw new Error(`render produced ${Object.keys(rendered).join(", ")}`);
  return { job, outputs };
}
