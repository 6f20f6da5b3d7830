// Exec sessions over real processes: back-pressure, stdin per driver, cut-stream fault, process-group cleanup, bwrap view.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, runExec, startHarness } from "./routes/test-client-harness.js";
import { hasBwrap } from "./task-process.js";

const cmd = (...argv: string[]): string => JSON.stringify(argv);
const sh = (script: string): Record<string, string> => ({ task: "main", command: cmd("/bin/sh", "-c", script) });

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    tasks: [
      { name: "main", driver: "raw_exec" },
      { name: "box", driver: "docker" },
    ],
  });
});
afterAll(async () => {
  await h.close();
});

describe("exec: input and output flow", () => {
  it("a stdin frame with data and close: the executor honours both, the docker path drops the data", async () => {
    const both = { stdin: { data: Buffer.from("12345").toString("base64"), close: true } };
    const executor = await runExec(h, sh("wc -c"), { send: [both] });
    expect(executor.stdout.toString().trim()).toBe("5");
    const docker = await runExec(h, { task: "box", command: cmd("/bin/sh", "-c", "wc -c") }, { send: [both] });
    expect(docker.stdout.toString().trim()).toBe("0");
    const setup = await runExec(h, { task: "box", command: cmd("sleep", "30") }, { send: [{ setup: {} }] });
    expect([setup.closeCode, setup.closeReason]).toEqual([1011, "unexpected message type"]);
  });

  it("back-pressure: a reader that stops reading stalls the producer instead of filling memory", async () => {
    const counter = join(h.alloc.allocDir, "alloc", "tmp", "chunks");
    const read = (): number => Number(readFileSync(counter, "utf8") || "0");
    writeFileSync(counter, "0");
    let settled = -1;
    const r = await runExec(h, sh(`i=0; while :; do head -c 65536 /dev/zero; i=$((i+1)); echo $i > ${counter}; done`), {
      // Wait until the producer stops making progress, then hang up.
      onOpen: (ws) =>
        pauseUntilStalled(ws, read, (at) => {
          settled = at;
          ws.terminate();
        }),
    });
    expect(r.exitFrame).toBeUndefined();
    // 64 KiB chunks: well under 64 MiB may sit in pipes, socket buffers and the server's bounded queue.
    expect(settled).toBeGreaterThan(0);
    expect(settled).toBeLessThan(1000);
  });
  it("back-pressure: a paused reader stalls a finite producer before its end; resumed, it gets every byte intact", async () => {
    const tmp = join(h.alloc.allocDir, "alloc", "tmp");
    const counter = join(tmp, "finite-chunks");
    const read = (): number => Number(readFileSync(counter, "utf8") || "0");
    writeFileSync(counter, "0");
    const total = 192; // 64 KiB chunks: 12 MiB, several times what pipes, socket buffers and our queue may hold
    // Random bytes, not zeros: an output buffer reused before the socket wrote it would show as corrupted data.
    const source = randomBytes(total * 65536);
    writeFileSync(join(tmp, "source"), source);
    let settled = -1;
    const each = `dd if=${join(tmp, "source")} bs=65536 skip=$i count=1 status=none`;
    const r = await runExec(h, sh(`i=0; while [ $i -lt ${total} ]; do ${each}; i=$((i+1)); echo $i > ${counter}; done`), {
      onOpen: (ws) =>
        pauseUntilStalled(ws, read, (at) => {
          settled = at;
          ws.resume();
        }),
    });
    // Without back-pressure the emulator would queue the whole output and the producer would finish unread.
    expect(settled).toBeGreaterThan(0);
    expect(settled).toBeLessThan(total);
    expect(r.stdout.equals(source)).toBe(true);
    expect(r.exitFrame).toEqual({ exited: true, result: {} });
    const sizes = r.frames.flatMap((f) => {
      const data = (f.stdout as { data?: string } | undefined)?.data;
      return data === undefined ? [] : [Buffer.from(data, "base64").length];
    });
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4096);
  });
});

describe("exec: process lifetime, faults and isolation", () => {
  it("cut-stream fault: exactly N stdout bytes, then the socket drops with no exited frame and the process dies", async () => {
    h.ctx.faults.execCutAfterBytes = 10_000;
    try {
      const before = h.tracked.length;
      const r = await runExec(h, sh("head -c 200000 /dev/zero; sleep 30"));
      expect(r.stdout.length).toBe(10_000);
      expect(r.exitFrame).toBeUndefined();
      expect(r.closeCode).toBe(1006);
      const child = h.tracked[before];
      await waitExit(child);
    } finally {
      h.ctx.faults.execCutAfterBytes = undefined;
    }
  });

  it("kills the process group when the client goes away before exit", async () => {
    const before = h.tracked.length;
    const marker = join(h.alloc.allocDir, "alloc", "tmp", "bg.pid");
    const r = await runExec(h, sh(`sleep 30 & echo $! > ${marker}; echo started; wait`), {
      onOpen: (ws) => ws.once("message", () => setTimeout(() => ws.terminate(), 50)),
    });
    expect(r.exitFrame).toBeUndefined();
    await waitExit(h.tracked[before]);
    const bgPid = Number(readFileSync(marker, "utf8"));
    await waitFor(() => !alive(bgPid));
  });

  it.runIf(hasBwrap())("docker task: runs under bwrap with /alloc and /local bound; ≤1024-byte frames", async () => {
    writeFileSync(join(h.alloc.allocDir, "box", "local", "hello.txt"), "from local\n");
    const r = await runExec(h, { task: "box", command: cmd("/bin/sh", "-c", "cat /local/hello.txt; head -c 5000 /dev/zero") });
    expect(r.stdout.subarray(0, 11).toString()).toBe("from local\n");
    const sizes = r.frames.flatMap((f) => {
      const d = (f.stdout as { data?: string } | undefined)?.data;
      return d ? [Buffer.from(d, "base64").length] : [];
    });
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1024);
    expect(r.exitFrame).toEqual({ exited: true, result: {} });
    const missing = await runExec(h, { task: "box", command: cmd("/local/nope") });
    expect([missing.closeCode, missing.closeReason]).toEqual([
      1011,
      "failed to start command: fork/exec /local/nope: no such file or directory",
    ]);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function waitExit(child: { exitCode: number | null; signalCode: string | null } | undefined): Promise<void> {
  expect(child).toBeDefined();
  await waitFor(() => child?.exitCode !== null || child?.signalCode !== null);
}

/** Pauses the reader and polls `progress()` until the producer stops advancing, then calls `then` with that point. */
function pauseUntilStalled(ws: { pause(): void }, progress: () => number, then: (settled: number) => void): void {
  ws.pause();
  let last = -1;
  const poll = setInterval(() => {
    const now = progress();
    if (now > 0 && now === last) {
      clearInterval(poll);
      then(now);
    }
    last = now;
  }, 400);
}
