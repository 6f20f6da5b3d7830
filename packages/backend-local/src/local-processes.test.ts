/** Sandboxes survive between processes: create+start, exec and stop each run in their own `node` child, like CLI invocations. */
import { execFile } from "node:child_process";
import { chown, cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalBackend } from "./index.js";
import { buildForChildProcesses } from "./test-build.js";

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL("./__fixtures__/", import.meta.url));

let buildDir = "";

/** Runs one step in a fresh node process and parses its JSON output. */
async function step(stateDir: string, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [join(fixtures, "cli-step.mjs"), buildDir, stateDir, ...args], {
    timeout: 60_000,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe("local backend across processes", () => {
  let stateDir = "";
  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "ak-local-procs-"));
    buildDir = await buildForChildProcesses();
  }, 60_000);
  afterAll(async () => {
    await createLocalBackend({ stateDir, logger: () => {} }).remove("across");
    await rm(stateDir, { recursive: true, force: true });
  }, 30_000);

  it("create+start in one process, exec from a second, stop from a third", async () => {
    const started = await step(stateDir, "create-start", "across");
    expect(started.status).toBe("running");
    // The creating process has exited; the sandbox must still run.
    const backend = createLocalBackend({ stateDir, logger: () => {} });
    expect((await backend.get("across")).status).toBe("running");

    const first = await step(stateDir, "exec", "across", "sh", "-c", "echo kept > /workspace/state.txt; echo $$");
    expect(first.exitCode).toBe(0);
    const second = await step(stateDir, "exec", "across", "cat", "/workspace/state.txt");
    expect(second).toEqual({ exitCode: 0, stdout: "kept\n" });

    const stopped = await step(stateDir, "stop", "across");
    expect(stopped.status).toBe("stopped");
    expect((await backend.get("across")).status).toBe("stopped");
  }, 60_000);

  // As root we can also prove the rootless path (a normal user's laptop): same steps as uid 1000.
  it.runIf(process.getuid?.() === 0)(
    "rootless: a non-root user's sandbox is isolated and exec joins it",
    async () => {
      const home = await mkdtemp(join(tmpdir(), "ak-local-rootless-"));
      await chown(home, 1000, 1000);
      // The user may not be able to read the checkout (a clone under a private directory): give it its own copy.
      const code = join(home, "code");
      const userBuild = await buildForChildProcesses({ out: join(code, "build"), copyDependencies: true });
      await cp(join(fixtures, "cli-step.mjs"), join(code, "cli-step.mjs"));
      const asUser = async (...args: string[]): Promise<Record<string, unknown>> => {
        const argv = ["--reuid=1000", "--regid=1000", "--clear-groups", process.execPath, join(code, "cli-step.mjs")];
        const { stdout } = await run("setpriv", [...argv, userBuild, join(home, "state"), ...args], {
          timeout: 60_000,
          env: { ...process.env, HOME: home },
        });
        return JSON.parse(stdout) as Record<string, unknown>;
      };
      try {
        expect((await asUser("create-start", "rootless")).status).toBe("running");
        const probe =
          'grep NoNewPrivs /proc/self/status; printf x > /etc/ak-rootless || echo etc-ro; ls "$1" || echo state-hidden';
        const result = await asUser("exec", "rootless", "sh", "-c", probe, "sh", home);
        expect(result.stdout).toMatch(/NoNewPrivs:\s+1/);
        expect(result.stdout).toContain("etc-ro");
        expect(result.stdout).toContain("state-hidden");
        expect((await asUser("stop", "rootless")).status).toBe("stopped");
      } finally {
        await createLocalBackend({ stateDir: join(home, "state"), logger: () => {} }).remove("rootless");
        await rm(home, { recursive: true, force: true });
      }
    },
    90_000,
  );
});
