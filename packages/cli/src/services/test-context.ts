// Test helper: a CliContext over temp dirs (no user config, no real home) pointed at a Nomad emulator.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "@agentkernel/nomad-emulator";
import { CliContext } from "./cli-context.js";
import type { BackendId } from "./sandbox-hints.js";

/** Temp dirs standing in for cwd, HOME and the XDG dirs; `cleanup()` removes them. */
export function tempHome(): { dir: string; env: NodeJS.ProcessEnv; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "agentkernel-cli-"));
  return {
    dir,
    env: {
      HOME: dir,
      PATH: process.env.PATH,
      XDG_CONFIG_HOME: join(dir, "config"),
      XDG_STATE_HOME: join(dir, "state"),
      AGENTKERNEL_STATE_DIR: join(dir, "local-state"),
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A context for `backend` with `env` added to the temp home's env. */
export async function testContext(
  home: { dir: string; env: NodeJS.ProcessEnv },
  backend: BackendId | undefined,
  env: NodeJS.ProcessEnv = {},
  signal?: AbortSignal,
) {
  const warnings: string[] = [];
  const ctx = await CliContext.load({
    cwd: home.dir,
    env: { ...home.env, ...env },
    ...(backend ? { backend } : {}),
    warn: (m) => warnings.push(m),
    ...(signal ? { signal } : {}),
  });
  return { ctx, warnings };
}

/** An in-process Nomad emulator, a temp home and a Nomad CliContext on them; `close()` undoes all three. */
export async function emulatorContext() {
  const nomad = await startEmulator({ port: 0, maxKillTimeoutMs: 200 });
  const home = tempHome();
  const { ctx } = await testContext(home, "nomad", { NOMAD_ADDR: nomad.address });
  const close = async () => {
    await ctx.close();
    await nomad.stop();
    home.cleanup();
  };
  return { nomad, home, ctx, close };
}
