// tty exec sessions over real processes: a real pty per driver, resize frames, single ONLCR, the pipe fallback without python3.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planTtyCommand } from "./exec-tty.js";
import { type Harness, runExec } from "./routes/test-client-harness.js";
import { startHarness } from "./routes/test-client-harness.js";

const cmd = (...argv: string[]): string => JSON.stringify(argv);
const TERMINALS = 'for fd in 0 1 2; do if [ -t $fd ]; then printf "t$fd "; else printf "p$fd "; fi; done; echo e >&2';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    tasks: [
      { name: "main", driver: "raw_exec" },
      { name: "box", driver: "docker" },
      { name: "iso", driver: "exec" },
    ],
  });
});
afterAll(async () => {
  await h.close();
});

describe("exec tty=true: a real pty", () => {
  it("stdin, stdout and stderr are terminals for raw_exec, docker and exec tasks; one \\r\\n, no stderr frames", async () => {
    const results = await Promise.all(
      ["main", "box", "iso"].map((task) => runExec(h, { task, command: cmd("/bin/sh", "-c", TERMINALS), tty: "true" })),
    );
    for (const r of results) {
      expect(r.stdout.toString()).toBe("t0 t1 t2 e\r\n");
      expect(r.frames.some((f) => "stderr" in f)).toBe(false);
      expect(r.exitFrame).toEqual({ exited: true, result: {} });
    }
  });

  it("tty_size frames reach the program (stty size), and the exit code comes through the helper", async () => {
    // Poll rather than race: the resize travels on its own pipe, so the program waits until it has landed.
    const script =
      'i=0; while [ $i -lt 100 ]; do s=$(stty size); [ "$s" = "40 120" ] && break; i=$((i+1)); sleep 0.1; done; echo "size $s"; exit 3';
    const r = await runExec(
      h,
      { task: "box", command: cmd("/bin/sh", "-c", script), tty: "true" },
      { send: [{ tty_size: { height: 40, width: 120 } }] },
    );
    expect(r.stdout.toString()).toBe("size 40 120\r\n");
    expect(r.exitFrame).toEqual({ exited: true, result: { exit_code: 3 } });
  });

  it("a client that goes away takes the tty program with it (host: the pty's SIGHUP; bwrap: the pid namespace)", async () => {
    const runs = ["main", "box"].map((task, i) => {
      // A unique argument marks the program in /proc; it outlives nothing if the session's end reaches it.
      const tag = `${900 + i}.${process.pid % 1000}`;
      const session = runExec(
        h,
        { task, command: cmd("/bin/sh", "-c", `sleep ${tag} & echo started; wait`), tty: "true" },
        // Hang up only once the program is seen running, so the check below cannot pass vacuously.
        { onOpen: (ws) => ws.once("message", () => void waitFor(() => sleepRuns(tag)).finally(() => ws.terminate())) },
      );
      return session.then(async (r) => {
        expect(r.exitFrame).toBeUndefined();
        expect(seen.has(tag), "the program was running before the hang-up").toBe(true);
        await waitFor(() => !sleepRuns(tag));
      });
    });
    await Promise.all(runs);
  });
});

/** Tags whose `sleep <tag>` was seen running. */
const seen = new Set<string>();

/** True while some process runs `sleep <tag>`. */
function sleepRuns(tag: string): boolean {
  const found = scanFor(tag);
  if (found) seen.add(tag);
  return found;
}

function scanFor(tag: string): boolean {
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "latin1") === `sleep\0${tag}\0`) return true;
    } catch {
      // exited meanwhile
    }
  }
  return false;
}

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("exec tty=true without python3: the pipe approximation", () => {
  it("merges stderr and converts \\n to \\r\\n itself, but the program sees pipes", async () => {
    const taskEnv = h.alloc.taskEnv;
    // A PATH with no python3 on it: only shell builtins (printf, [) are used below.
    h.alloc.taskEnv = (task) => ({ ...taskEnv(task), PATH: "/nonexistent" });
    try {
      const r = await runExec(h, { task: "main", command: cmd("/bin/sh", "-c", TERMINALS), tty: "true" });
      expect(r.stdout.toString()).toBe("p0 p1 p2 e\r\n");
      expect(r.frames.some((f) => "stderr" in f)).toBe(false);
    } finally {
      h.alloc.taskEnv = taskEnv;
    }
  });

  it("plans argv as argv in every mode, and skips a python3 that is a wrapper script (it may close fd 3)", () => {
    const view = { allocDir: "/nonexistent", task: "t", isolated: false, path: "/nonexistent" };
    expect(planTtyCommand(["echo", "$(x)"], false, view)).toEqual({ argv: ["echo", "$(x)"], pty: false });
    expect(planTtyCommand(["echo", "$(x)"], true, view)).toEqual({
      argv: ["/bin/sh", "-c", 'exec "$@" 2>&1', "sh", "echo", "$(x)"],
      pty: false,
    });
    const shims = mkdtempSync(join(tmpdir(), "emu-shim-"));
    try {
      writeFileSync(join(shims, "python3"), '#!/bin/sh\nexec python3 "$@"\n', { mode: 0o755 });
      const plan = planTtyCommand(["echo", "$(x)"], true, { ...view, path: `${shims}:/usr/local/bin:/usr/bin:/bin` });
      expect(plan.pty).toBe(true);
      expect(plan.argv[0]).toMatch(/^\/usr(\/local)?\/bin\/python3$|^\/bin\/python3$/);
      expect(plan.argv.slice(3)).toEqual(["24", "80", "echo", "$(x)"]);
    } finally {
      rmSync(shims, { recursive: true, force: true });
    }
  });
});
