/** Remembers which backend created each sandbox (one small JSON file per name) so start/exec/stop need no --backend. */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { PROVIDERS, validateSandboxName } from "@agentkernel/core";

/** A backend id the CLI can build. */
export type BackendId = (typeof PROVIDERS)[number];

/** What is remembered about a sandbox. Only a hint: the backend (Nomad) stays the source of truth. */
export interface SandboxHint {
  backend: BackendId;
  /** Config `[[files]]` still to copy in on the first start (cleared once copied). */
  files?: { source: string; dest: string }[];
}

/** `${XDG_STATE_HOME:-~/.local/state}/agentkernel`, the CLI's state root (a relative XDG_STATE_HOME is ignored, per the XDG spec). */
export function stateHome(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), ".local", "state"), "agentkernel");
}

/** `${XDG_STATE_HOME:-~/.local/state}/agentkernel/cli/sandboxes`. */
export function hintDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateHome(env), "cli", "sandboxes");
}

function isBackendId(value: unknown): value is BackendId {
  return typeof value === "string" && (PROVIDERS as readonly string[]).includes(value);
}

/** The hint store under one directory. Unreadable or malformed hints count as absent (they are only hints). */
export class SandboxHints {
  constructor(readonly dir: string) {}

  #file(name: string): string {
    return join(this.dir, `${validateSandboxName(name)}.json`);
  }

  /** The whole hint for `name`, if any. */
  async hint(name: string): Promise<SandboxHint | undefined> {
    try {
      const parsed = JSON.parse(await readFile(this.#file(name), "utf8")) as Partial<SandboxHint> | null;
      if (!isBackendId(parsed?.backend)) return undefined;
      const files = Array.isArray(parsed.files)
        ? parsed.files.filter((f) => typeof f?.source === "string" && typeof f?.dest === "string")
        : [];
      return files.length > 0 ? { backend: parsed.backend, files } : { backend: parsed.backend };
    } catch {
      return undefined;
    }
  }

  /** The remembered backend for `name`, if any. */
  async get(name: string): Promise<BackendId | undefined> {
    return (await this.hint(name))?.backend;
  }

  /** Records the hint for `name` (atomically: write a temp file, then rename). */
  async set(name: string, backend: BackendId, files?: SandboxHint["files"]): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = this.#file(name);
    const temp = `${file}.${process.pid}.tmp`;
    const hint: SandboxHint = files && files.length > 0 ? { backend, files } : { backend };
    await writeFile(temp, `${JSON.stringify(hint)}\n`, { mode: 0o600 });
    await rename(temp, file);
  }

  /** Forgets `name` (missing is fine). */
  async delete(name: string): Promise<void> {
    await rm(this.#file(name), { force: true });
  }

  /** Every backend some hint names. */
  async backends(): Promise<Set<BackendId>> {
    const out = new Set<BackendId>();
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return out;
    }
    for (const file of names) {
      if (!file.endsWith(".json")) continue;
      const backend = await this.get(file.slice(0, -5)).catch(() => undefined);
      if (backend) out.add(backend);
    }
    return out;
  }
}
