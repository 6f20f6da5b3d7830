// Loads Go's own text/template (compiled to wasm from ../gotemplate/main.go) and renders nomad-pack template sets.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

/** The Go wasm runtime glue (wasm_exec.js) installs this constructor on globalThis. */
interface GoRuntime {
  importObject: WebAssembly.Imports;
  run(instance: WebAssembly.Instance): Promise<void>;
}

/** What the Go side (main.go) answers: the rendered files, or the text/template error. */
interface RenderResponse {
  rendered?: Record<string, string>;
  error?: string;
}

/** Input of one render: every template of the pack by name, and nomad-pack's template context. */
export interface GoTemplateRequest {
  /** Template names as nomad-pack names them (`<pack>/templates/x.nomad.tpl`); `templates/_*` are helpers. */
  files: Record<string, string>;
  /** The template context `.`; the current pack's data sits at `_self` ({ vars, meta }). */
  context: unknown;
  /** nomad-pack's strict mode (missingkey=error); off by default as in nomad-pack. */
  strict?: boolean;
}

const here = (name: string) => fileURLToPath(new URL(`../gotemplate/${name}`, import.meta.url));
let ready: Promise<(json: string) => string> | undefined;

async function boot(): Promise<(json: string) => string> {
  // wasm_exec.cjs (Go's wasm_exec.js) is a classic script that sets globalThis.Go; it must match the Go release that built the wasm.
  createRequire(import.meta.url)(here("wasm_exec.cjs"));
  const GoCtor = (globalThis as unknown as { Go: new () => GoRuntime }).Go;
  const go = new GoCtor();
  const bytes = gunzipSync(await readFile(here("gotemplate.wasm.gz")));
  const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
  // run() resolves only when the Go program exits; main() blocks forever after registering its function.
  void go.run(instance);
  const fn = (globalThis as unknown as { goTextTemplateRender?: (json: string) => string }).goTextTemplateRender;
  if (typeof fn !== "function")
    throw new Error("gotemplate.wasm did not register goTextTemplateRender; rebuild it with build.sh");
  return fn;
}

/** Renders a nomad-pack template set with Go's text/template and `[[ ]]` delimiters; throws the Go error text. */
export async function renderGoTemplates(request: GoTemplateRequest): Promise<Record<string, string>> {
  ready ??= boot();
  const fn = await ready;
  const response = JSON.parse(fn(JSON.stringify({ strict: false, ...request }))) as RenderResponse;
  if (response.error !== undefined) throw new Error(`go text/template: ${response.error}`);
  return response.rendered ?? {};
}
