// logs (local backend, with and without follow), pool status without a warm-pool backend, and the TTY-only progress line.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliContext } from "./cli-context.js";
import { execInSandbox } from "./exec.js";
import { createSandbox, removeSandbox, startSandbox } from "./lifecycle.js";
import { streamLogs } from "./logs.js";
import { poolStatus } from "./pool.js";
import { progressReporter } from "./progress.js";
import { CollectingWritable } from "./stream-io.js";
import { tempHome, testContext } from "./test-context.js";

let home: ReturnType<typeof tempHome>;
let ctx: CliContext;
const abort = new AbortController();

beforeAll(async () => {
  home = tempHome();
  ({ ctx } = await testContext(home, "local", {}, abort.signal));
  await createSandbox(ctx, { name: "logs-local" });
  await startSandbox(ctx, "logs-local");
});

afterAll(async () => {
  await removeSandbox(ctx, "logs-local", true).catch(() => undefined);
  await ctx?.close();
  home?.cleanup();
});

describe("logs", () => {
  it("prints the main process's output and ends; follow ends on Ctrl-C", async () => {
    const out = new CollectingWritable();
    const err = new CollectingWritable();
    await streamLogs(ctx, "logs-local", false, { stdout: out, stderr: err });
    expect(out.buffer.toString() + err.buffer.toString()).toMatch(/ready/);

    const followed = new CollectingWritable();
    const following = streamLogs(ctx, "logs-local", true, { stdout: followed, stderr: followed });
    setTimeout(() => abort.abort(), 300);
    await expect(following).resolves.toBeUndefined();
    expect(followed.buffer.toString()).toMatch(/ready/);
  });

  it("says NOT_FOUND for a sandbox that does not exist", async () => {
    const { ctx: fresh } = await testContext(home, "local");
    await expect(
      streamLogs(fresh, "no-such", false, { stdout: new CollectingWritable(), stderr: new CollectingWritable() }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await fresh.close();
  });
});

describe("pool status", () => {
  it("lists no pools when none are configured, and refuses a backend without warm pools", async () => {
    const { ctx: none } = await testContext(home, "local");
    expect(await poolStatus(none)).toEqual({ backend: "local", pools: [] });
    await none.close();
    const project = tempHome();
    try {
      writeFileSync(join(project.dir, "agentkernel.toml"), '[orchestrator]\nwarm_pool_images = ["alpine:3.20"]\n');
      const { ctx: pooled } = await testContext(project, "local");
      await expect(poolStatus(pooled)).rejects.toMatchObject({
        code: "CAPABILITY_UNSUPPORTED",
        message: expect.stringMatching(/--backend nomad/),
      });
      await pooled.close();
    } finally {
      project.cleanup();
    }
  });
});

describe("progress", () => {
  function fakeStream(isTTY: boolean) {
    const writes: string[] = [];
    const stream = { isTTY, columns: 80, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream;
    return { stream, writes };
  }

  it("rewrites one line on a terminal and clears it when done", () => {
    const { stream, writes } = fakeStream(true);
    const progress = progressReporter(stream, true);
    progress.onProgress?.({ phase: "placing", message: "asking Nomad" });
    progress.onProgress?.({ phase: "pulling", message: "Downloading image" });
    progress.done();
    expect(writes).toEqual(["\r\x1b[Kplacing… asking Nomad", "\r\x1b[Kpulling image… Downloading image", "\r\x1b[K"]);
  });

  it("is silent when stderr is not a terminal or --json is given", () => {
    for (const [tty, enabled] of [
      [false, true],
      [true, false],
    ] as const) {
      const { stream, writes } = fakeStream(tty);
      const progress = progressReporter(stream, enabled);
      progress.onProgress?.({ phase: "placing", message: "x" });
      progress.done();
      expect(writes).toEqual([]);
    }
  });
});

describe("a reader that goes away", () => {
  // The remote loop ignores SIGPIPE, so only the CLI's kill can end it.
  it("exec ends the remote command and returns 141 when stdout fails with EPIPE", async () => {
    const { ctx: fresh } = await testContext(home, "local");
    let writes = 0;
    const stdout = new Writable({
      write(_chunk, _encoding, callback) {
        writes++;
        callback(writes > 1 ? Object.assign(new Error("write EPIPE"), { code: "EPIPE" }) : null);
      },
    });
    const stderr = new CollectingWritable();
    const code = await execInSandbox(
      fresh,
      { name: "logs-local", command: ["sh", "-c", "trap '' PIPE; while :; do echo y 2>/dev/null || sleep 0.1; done"] },
      { stdout, stderr },
    );
    expect(code).toBe(141);
    const check = { stdout: new CollectingWritable(), stderr: new CollectingWritable() };
    await execInSandbox(
      fresh,
      { name: "logs-local", command: ["sh", "-c", "ps -eo args | grep -c '^sh -c trap' || true"] },
      check,
    );
    expect(check.stdout.buffer.toString().trim()).toBe("0");
    await fresh.close();
  });
});
