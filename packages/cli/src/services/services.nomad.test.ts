// The CLI services driven directly against the Nomad emulator: lifecycle with hints, exec I/O, cp, run, list, status.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { poolKey, type StartProgress } from "@agentkernel/core";
import type { Emulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliContext } from "./cli-context.js";
import { copyFiles } from "./cp.js";
import { execInSandbox } from "./exec.js";
import { createSandbox, listSandboxes, removeSandbox, sandboxStatus, startSandbox, stopSandbox } from "./lifecycle.js";
import { poolStatus } from "./pool.js";
import { runOnce } from "./run.js";
import { CollectingWritable } from "./stream-io.js";
import { emulatorContext, tempHome, testContext } from "./test-context.js";

let t: Awaited<ReturnType<typeof emulatorContext>>;
let nomad: Emulator;
let home: ReturnType<typeof tempHome>;
let ctx: CliContext;

beforeAll(async () => {
  t = await emulatorContext();
  ({ nomad, home, ctx } = t);
});
afterAll(() => t?.close());

function io(stdin?: string) {
  return {
    stdin: stdin === undefined ? undefined : Readable.from([Buffer.from(stdin)]),
    stdout: new CollectingWritable(),
    stderr: new CollectingWritable(),
  };
}

describe("services against the nomad emulator", () => {
  it("create → start → exec → stop → remove, remembering the backend", async () => {
    const info = await createSandbox(ctx, {
      name: "svc-life",
      image: "alpine:3.20",
      env: ["MODE=test"],
      labels: ["team=ml"],
      ttl: "1h",
    });
    expect(info).toMatchObject({ name: "svc-life", backend: "nomad", status: "stopped", image: "alpine:3.20" });
    expect(await ctx.hints.get("svc-life")).toBe("nomad");

    const phases: StartProgress["phase"][] = [];
    expect((await startSandbox(ctx, "svc-life", (p) => phases.push(p.phase))).status).toBe("running");
    expect(phases).toContain("placing");
    expect(phases.at(-1)).toBe("running");

    const streams = io("piped input\n");
    const code = await execInSandbox(ctx, { name: "svc-life", command: ["sh", "-c", "cat; echo to-err >&2; exit 42"] }, streams);
    expect(code).toBe(42);
    expect(streams.stdout.buffer.toString()).toBe("piped input\n");
    expect(streams.stderr.buffer.toString()).toBe("to-err\n");

    const env = io();
    await execInSandbox(
      ctx,
      { name: "svc-life", command: ["sh", "-c", 'echo "$GREETING"; pwd'], env: ["GREETING=hi there"], workdir: "/tmp" },
      env,
    );
    expect(env.stdout.buffer.toString()).toBe("hi there\n/tmp\n");

    const listed = (await listSandboxes(ctx)).sandboxes.find((s) => s.name === "svc-life");
    expect(listed?.labels).toMatchObject({ team: "ml" });
    expect(listed?.refs.allocId).toBeTypeOf("string");
    expect((await sandboxStatus(ctx, "svc-life")).refs.jobId).toBe("agentkernel-svc-life");

    await expect(removeSandbox(ctx, "svc-life")).rejects.toMatchObject({ code: "CONFLICT" });
    await stopSandbox(ctx, "svc-life");
    await removeSandbox(ctx, "svc-life");
    expect(await ctx.hints.get("svc-life")).toBeUndefined();
    await expect(sandboxStatus(ctx, "svc-life")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(removeSandbox(ctx, "svc-life", true)).resolves.toMatchObject({ removed: true });
  });

  it("exec times out with TIMEOUT and refuses an empty command", async () => {
    await createSandbox(ctx, { name: "svc-slow" });
    await startSandbox(ctx, "svc-slow");
    await expect(execInSandbox(ctx, { name: "svc-slow", command: ["sleep", "30"], timeout: "1s" }, io())).rejects.toMatchObject({
      code: "TIMEOUT",
    });
    await expect(execInSandbox(ctx, { name: "svc-slow", command: [] }, io())).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await removeSandbox(ctx, "svc-slow", true);
  });

  it("cp round-trips a binary file both ways and streams to stdout", async () => {
    await createSandbox(ctx, { name: "svc-cp" });
    await startSandbox(ctx, "svc-cp");
    const data = randomBytes(300_000);
    data[0] = 0;
    data[1] = 0xff;
    const src = join(home.dir, "in.bin");
    writeFileSync(src, data);
    const up = await copyFiles(ctx, src, "svc-cp:/tmp/data.bin", { stdin: Readable.from([]), stdout: new CollectingWritable() });
    expect(up.bytes).toBe(data.length);
    const dest = join(home.dir, "out.bin");
    const down = await copyFiles(ctx, "svc-cp:/tmp/data.bin", dest, {
      stdin: Readable.from([]),
      stdout: new CollectingWritable(),
    });
    expect(down.bytes).toBe(data.length);
    expect(readFileSync(dest).equals(data)).toBe(true);
    const stdout = new CollectingWritable();
    await copyFiles(ctx, "svc-cp:/tmp/data.bin", "-", { stdin: Readable.from([]), stdout });
    expect(stdout.buffer.equals(data)).toBe(true);
    await expect(
      copyFiles(ctx, join(home.dir, "missing"), "svc-cp:/tmp/x", { stdin: Readable.from([]), stdout }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(copyFiles(ctx, "svc-cp:/tmp/nope", dest, { stdin: Readable.from([]), stdout })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(readFileSync(dest).equals(data)).toBe(true);
    await expect(copyFiles(ctx, src, join(home.dir, "x"), { stdin: Readable.from([]), stdout })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await removeSandbox(ctx, "svc-cp", true);
  });

  it("run passes the exit code through and removes its sandbox; --keep keeps it", async () => {
    const streams = io();
    const result = await runOnce(ctx, { command: ["sh", "-c", "echo once; exit 3"] }, streams);
    expect(result).toMatchObject({ exitCode: 3, warm: false, kept: false, backend: "nomad" });
    expect(streams.stdout.buffer.toString()).toBe("once\n");
    const names = (await listSandboxes(ctx)).sandboxes.map((s) => s.name);
    expect(names).not.toContain(result.name);

    const kept = await runOnce(ctx, { command: ["true"], keep: true, name: "svc-kept" }, io());
    expect(kept).toMatchObject({ exitCode: 0, kept: true, name: "svc-kept" });
    expect(await ctx.hints.get("svc-kept")).toBe("nomad");
    expect((await sandboxStatus(ctx, "svc-kept")).status).toBe("running");
    await removeSandbox(ctx, "svc-kept", true);
  });

  it("copies the config's [[files]] on the first start and into run's sandbox", async () => {
    const project = tempHome();
    try {
      writeFileSync(join(project.dir, "seed.sh"), "#!/bin/sh\necho seeded\n", { mode: 0o755 });
      writeFileSync(join(project.dir, "agentkernel.toml"), '[[files]]\nsource = "seed.sh"\ndest = "/tmp/seed.sh"\n');
      const { ctx: pctx } = await testContext(project, "nomad", { NOMAD_ADDR: nomad.address });
      try {
        await createSandbox(pctx, { name: "svc-files" });
        expect((await pctx.hints.hint("svc-files"))?.files).toEqual([
          { source: join(project.dir, "seed.sh"), dest: "/tmp/seed.sh" },
        ]);
        await startSandbox(pctx, "svc-files");
        expect(await pctx.hints.hint("svc-files")).toEqual({ backend: "nomad" });
        const streams = io();
        expect(await execInSandbox(pctx, { name: "svc-files", command: ["/tmp/seed.sh"] }, streams)).toBe(0);
        expect(streams.stdout.buffer.toString()).toBe("seeded\n");
        await removeSandbox(pctx, "svc-files", true);
        const once = io();
        expect((await runOnce(pctx, { command: ["/tmp/seed.sh"] }, once)).exitCode).toBe(0);
        expect(once.stdout.buffer.toString()).toBe("seeded\n");
      } finally {
        await pctx.close();
      }
    } finally {
      project.cleanup();
    }
  });

  it("another machine with no hints lists the sandbox (Nomad is the source of truth) and execs through the provider", async () => {
    await createSandbox(ctx, { name: "svc-shared" });
    await startSandbox(ctx, "svc-shared");
    const other = tempHome();
    try {
      // Provider local, but NOMAD_ADDR is configured: list asks both backends.
      const { ctx: viewer } = await testContext(other, undefined, { NOMAD_ADDR: nomad.address });
      const seen = (await listSandboxes(viewer)).sandboxes.find((s) => s.name === "svc-shared");
      expect(seen).toMatchObject({ backend: "nomad", status: "running" });
      await viewer.close();
      const { ctx: worker } = await testContext(other, undefined, { NOMAD_ADDR: nomad.address, AGENTKERNEL_PROVIDER: "nomad" });
      const streams = io();
      expect(await execInSandbox(worker, { name: "svc-shared", command: ["echo", "from elsewhere"] }, streams)).toBe(0);
      expect(streams.stdout.buffer.toString()).toBe("from elsewhere\n");
      await worker.close();
    } finally {
      other.cleanup();
      await removeSandbox(ctx, "svc-shared", true);
    }
  });

  it("run claims a warm sandbox when a pool matches, releases it afterwards, and pool status counts it", async () => {
    const project = tempHome();
    writeFileSync(
      join(project.dir, "agentkernel.toml"),
      '[orchestrator]\nwarm_pool_images = ["alpine:3.20"]\nwarm_pool_size = 1\n',
    );
    const { ctx: pctx } = await testContext(project, "nomad", { NOMAD_ADDR: nomad.address });
    const provider = (await pctx.backend("nomad")).warmPool;
    if (!provider) throw new Error("the nomad backend has no warmPool provider");
    const pool = { key: poolKey("alpine:3.20", "moderate"), image: "alpine:3.20", profile: "moderate" as const };
    try {
      await provider.ensurePool(pool);
      await provider.prewarm(pool, 1);
      for (let i = 0; i < 200 && (await provider.counts(pool)).warm < 1; i++) await delay(100);
      const before = await poolStatus(pctx);
      expect(before.pools).toEqual([expect.objectContaining({ image: "alpine:3.20", key: pool.key, warm: 1, target: 1 })]);

      const streams = io();
      const result = await runOnce(pctx, { command: ["sh", "-c", "echo warm; exit 7"] }, streams);
      expect(result).toMatchObject({ warm: true, exitCode: 7, kept: false });
      expect(streams.stdout.buffer.toString()).toBe("warm\n");
      expect((await provider.counts(pool)).claimed).toBe(0);
      await expect(sandboxStatus(pctx, result.name)).rejects.toMatchObject({ code: "NOT_FOUND" });
    } finally {
      await provider.cleanup(pool).catch(() => undefined);
      await pctx.close();
      project.cleanup();
    }
  });
});
