// Backend and sandbox helpers shared by the suites: a Nomad backend on the emulator, a started sandbox, RSS sampling.
import { createNomadBackend } from "@agentkernel/backend-nomad";
import { collectExec } from "@agentkernel/core";

/** raw_exec runs host processes in the emulator, so exec figures measure our stack, not bubblewrap's setup. */
export const RAW_EXEC = { driver: "raw_exec", allowUnisolated: true };

/** A Nomad backend pointed at `address` (raw_exec unless another driver is given). */
export function nomadBackend(address, driver = RAW_EXEC, extra = {}) {
  return createNomadBackend({ config: { address }, driver, onWarning: () => undefined, ...extra });
}

/** Creates and starts `name`; returns a disposer that removes it. */
export async function startedSandbox(backend, name) {
  await backend.create({ name });
  await backend.start(name);
  return async () => {
    await backend.remove(name).catch(() => undefined);
  };
}

/** Runs argv to the end and returns { exitCode, stdout, stderr }. */
export async function run(backend, name, command) {
  return collectExec(await backend.exec(name, { command }));
}

/** Samples this process's RSS every `everyMs` until stop(); returns { peakGrowthBytes }. */
export function rssSampler(everyMs = 10) {
  global.gc?.();
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const rss = process.memoryUsage.rss();
      if (rss > peak) peak = rss;
      return { peakGrowthBytes: peak - base };
    },
  };
}

export const MiB = 1024 * 1024;
