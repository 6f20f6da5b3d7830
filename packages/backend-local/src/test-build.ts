/** Test helper: transpiles this package and core to plain JS once, so child `node` processes can run them like a CLI would. */
import { cp, mkdir, readdir, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const coreDir = join(packageDir, "..", "core");

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "__fixtures__") out.push(...(await sources(path)));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && !entry.name.startsWith("test-")) out.push(path);
  }
  return out;
}

async function transpileTree(ts: typeof import("typescript"), from: string, to: string): Promise<void> {
  for (const file of await sources(from)) {
    const { outputText } = ts.transpileModule(await readFile(file, "utf8"), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const target = join(to, relative(from, file)).replace(/\.ts$/, ".js");
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  await writeFile(join(to, "package.json"), JSON.stringify({ type: "module", exports: "./index.js" }));
}

/**
 * Builds `<package>/node_modules/.cache/ak-local-test/` (or `out`) with `local/` and `core/` as JS, plus a
 * node_modules there so `@agentkernel/core` and `zod` resolve. Returns the dir; `local/index.js` is the entry.
 * With `copyDependencies`, core's dependencies are copied rather than linked, so the build works for a user who
 * cannot read the checkout (a clone under a private directory, run as another uid).
 */
export async function buildForChildProcesses(options: { out?: string; copyDependencies?: boolean } = {}): Promise<string> {
  const ts = (await import("typescript")).default;
  const out = options.out ?? join(packageDir, "node_modules", ".cache", "ak-local-test");
  await rm(out, { recursive: true, force: true });
  await transpileTree(ts, join(packageDir, "src"), join(out, "local"));
  await transpileTree(ts, join(coreDir, "src"), join(out, "core"));
  await mkdir(join(out, "node_modules", "@agentkernel"), { recursive: true });
  await symlink(join(out, "core"), join(out, "node_modules", "@agentkernel", "core"));
  // Core's own dependencies (zod, smol-toml, yaml …), linked from core's node_modules.
  const manifest = JSON.parse(await readFile(join(coreDir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    if (dep.startsWith("@agentkernel/")) continue;
    await mkdir(dirname(join(out, "node_modules", dep)), { recursive: true });
    const from = join(coreDir, "node_modules", dep);
    const to = join(out, "node_modules", dep);
    if (options.copyDependencies) await cp(await realpath(from), to, { recursive: true, dereference: true });
    else await symlink(from, to);
  }
  return out;
}
