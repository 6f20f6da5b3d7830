// Nomad-specific lifecycle behaviour against the emulator: taken names, placement failures, failing tasks, lost allocs, no leaks.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tty test passes a shell script, where ${…} is shell syntax
import { collectExec, hasErrorCode, type StartProgress } from "@agentkernel/core";
import { startEmulator } from "@agentkernel/nomad-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { NomadClient } from "./client/index.js";
import { createNomadBackend, type NomadBackendOptions } from "./nomad-backend.js";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
const started: { nomad: Emulator; client: NomadClient; close: () => Promise<void> }[] = [];

async function setup(emulator: Parameters<typeof startEmulator>[0] = {}, options: NomadBackendOptions = {}) {
  const nomad = await startEmulator({ port: 0, maxKillTimeoutMs: 200, ...emulator });
  const client = new NomadClient({ address: nomad.address });
  const backend = createNomadBackend({ client, blockingWaitMs: 2_000, startTimeoutMs: 20_000, ...options });
  started.push({ nomad, client, close: async () => client.close() });
  return { nomad, client, backend };
}

/** Jobs the emulator still runs (not stopped): a failed start must leave none. */
async function liveJobs(client: NomadClient): Promise<string[]> {
  const { data } = await client.jobs.list({});
  return data.filter((j) => !j.Stop).map((j) => j.ID);
}

afterEach(async () => {
  for (const s of started.splice(0)) {
    await s.close();
    await s.nomad.stop();
  }
});

describe("nomad backend lifecycle", () => {
  it("create refuses a taken name atomically, even from a second backend instance", async () => {
    const { nomad, backend } = await setup();
    const other = createNomadBackend({ config: { address: nomad.address }, env: {} });
    await backend.create({ name: "taken" });
    const results = await Promise.allSettled([other.create({ name: "taken" }), backend.create({ name: "taken" })]);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect(hasErrorCode(r.status === "rejected" ? r.reason : undefined, "ALREADY_EXISTS")).toBe(true);
    }
    await other.close?.();
  });

  it("start reports progress and ends running; stop keeps the spec; remove is idempotent", async () => {
    const { backend } = await setup();
    await backend.create({ name: "life", labels: { team: "ml" } });
    const phases: StartProgress["phase"][] = [];
    const info = await backend.start("life", { onProgress: (p) => phases.push(p.phase) });
    expect(info.status).toBe("running");
    expect(info.refs.allocId).toBeTypeOf("string");
    expect(phases[0]).toBe("placing");
    expect(phases).toContain("pulling");
    expect(phases.at(-1)).toBe("running");
    expect((await backend.list({ labels: { team: "ml" } })).map((s) => [s.name, s.status])).toEqual([["life", "running"]]);
    await backend.stop("life");
    expect((await backend.get("life")).status).toBe("stopped");
    expect((await backend.list()).map((s) => s.status)).toEqual(["stopped"]);
    const again = await backend.start("life");
    expect(again.status).toBe("running");
    expect(again.refs.allocId).not.toBe(info.refs.allocId);
    await backend.remove("life");
    await backend.remove("life");
    await expect(backend.get("life")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("explains a placement failure (no node has the driver) and leaves nothing running", async () => {
    const { client, backend } = await setup({ nodes: [{ drivers: ["exec"] }, { drivers: ["raw_exec"] }] });
    await backend.create({ name: "nodocker" });
    const err = await backend.start("nodocker").catch((e: unknown) => e);
    expect(hasErrorCode(err, "PLACEMENT_FAILED")).toBe(true);
    expect(String((err as Error).message)).toMatch(
      /no node in dc1 has driver docker \(2 evaluated, 2 filtered: missing drivers\)/,
    );
    expect(await liveJobs(client)).toEqual([]);
    expect((await backend.get("nodocker")).status).toBe("stopped");
  });

  it("an aborted or timed-out start stops the job (nothing left running)", async () => {
    const { client, backend } = await setup({ taskStartDelayMs: 5_000 }, { startTimeoutMs: 600 });
    await backend.create({ name: "slow" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const aborted = await backend.start("slow", { signal: controller.signal }).catch((e: unknown) => e);
    expect(hasErrorCode(aborted, "ABORTED")).toBe(true);
    expect(await liveJobs(client)).toEqual([]);
    const timedOut = await backend.start("slow").catch((e: unknown) => e);
    expect(hasErrorCode(timedOut, "TIMEOUT")).toBe(true);
    expect(await liveJobs(client)).toEqual([]);
  });

  it("explains exhausted memory", async () => {
    const { client, backend } = await setup({ nodes: [{ memoryMB: 512 }, { memoryMB: 512 }] });
    await backend.create({ name: "big", resources: { memoryMB: 4096 } });
    const err = await backend.start("big").catch((e: unknown) => e);
    expect(hasErrorCode(err, "PLACEMENT_FAILED")).toBe(true);
    expect(String((err as Error).message)).toMatch(/memory exhausted on 2 nodes/);
    expect(await liveJobs(client)).toEqual([]);
  });

  it("reports a task that fails to start with its task events, and stops the job", async () => {
    // raw_exec spawns directly, so the missing binary fails before "Started" (a Driver Failure), deterministically.
    const { client, backend } = await setup(
      {},
      {
        mainCommand: ["/nonexistent/agentkernel-main"],
        driver: { driver: "raw_exec", allowUnisolated: true },
        onWarning: () => {},
      },
    );
    await backend.create({ name: "broken" });
    const err = await backend.start("broken").catch((e: unknown) => e);
    expect(hasErrorCode(err, "PLACEMENT_FAILED")).toBe(true);
    expect(String((err as Error).message)).toMatch(/failed to start \(allocation failed\): Driver Failure: .*nonexistent/);
    expect(await liveJobs(client)).toEqual([]);
  });

  it("tty exec gets env through a file (not argv, not the echoing stdin) and sees resize accepted", async () => {
    const { backend } = await setup();
    await backend.create({ name: "tty" });
    await backend.start("tty");
    const session = await backend.exec("tty", {
      command: ["sh", "-c", 'printf "%s|" "$SECRET"; ls -A "${NOMAD_TASK_DIR:-/tmp}/.agentkernel-exec" | grep -c env$ || true'],
      env: { SECRET: "multi\nline value" },
      tty: { rows: 30, cols: 100 },
    });
    session.resize({ rows: 40, cols: 120 });
    const result = await collectExec(session);
    expect(result.stdout.toString().replace(/\r\n/g, "\n")).toBe("multi\nline value|0\n");
    expect(result.exitCode).toBe(0);
  });

  it("list filters on the managed meta server-side, one request per page", async () => {
    const { nomad, client, backend } = await setup({}, { listPageSize: 4 });
    await client.jobs.register({
      ID: "not-ours",
      Type: "batch",
      Stop: true,
      TaskGroups: [{ Name: "g", Tasks: [{ Name: "t", Driver: "raw_exec", Config: { command: "true" } }] }],
    });
    for (let i = 0; i < 9; i++) await backend.create({ name: `page-${i}`, labels: { i: String(i) } });
    nomad.resetStats();
    const names = (await backend.list()).map((s) => s.name).sort();
    expect(names).toEqual(Array.from({ length: 9 }, (_, i) => `page-${i}`));
    expect(nomad.stats().requests["GET /v1/jobs"]).toBe(3);
    expect((await backend.list({ labels: { i: "3" } })).map((s) => s.name)).toEqual(["page-3"]);
  });

  it("writes the spec's files into every fresh allocation (kept in job Meta), and refuses oversized ones", async () => {
    const { backend } = await setup();
    const binary = new Uint8Array(Array.from({ length: 256 }, (_, i) => i));
    await backend.create({
      name: "files",
      files: [
        { path: "/tmp/seed/hello.sh", content: "#!/bin/sh\nprintf seeded\n", mode: 0o755 },
        { path: "/tmp/seed/bytes.bin", content: binary },
      ],
    });
    for (let round = 0; round < 2; round++) {
      await backend.start("files");
      const ran = await collectExec(await backend.exec("files", { command: ["/tmp/seed/hello.sh"] }));
      expect(ran.stdout.toString()).toBe("seeded");
      const chunks: Buffer[] = [];
      for await (const c of await backend.readFile("files", "/tmp/seed/bytes.bin")) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(Buffer.from(binary))).toBe(true);
      await backend.stop("files");
    }
    await expect(
      backend.create({ name: "too-big", files: [{ path: "/tmp/big", content: "x".repeat(70_000) }] }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("attach gives an interactive shell over a tty session", async () => {
    const { backend } = await setup();
    await backend.create({ name: "shell" });
    await backend.start("shell");
    const session = await backend.attach?.("shell", { env: { GREETING: "hi there" } });
    if (!session?.stdin) throw new Error("attach must return a session with stdin");
    session.stdin.end('printf "%s" "$GREETING"; exit 3\n');
    const result = await collectExec(session);
    expect(result.stdout.toString()).toContain("hi there");
    expect(result.exitCode).toBe(3);
  });

  it("an exec stream cut before the exit frame is StreamInterruptedError, never a hang", async () => {
    const { nomad, backend } = await setup();
    await backend.create({ name: "cut" });
    await backend.start("cut");
    nomad.inject({ type: "exec", execCutAfterBytes: 4096 });
    const session = await backend.exec("cut", { command: ["head", "-c", "1000000", "/dev/zero"] });
    const err = await collectExec(session).catch((e: unknown) => e);
    expect(hasErrorCode(err, "STREAM_INTERRUPTED")).toBe(true);
  });

  it("shows a lost allocation as lost and refuses exec", async () => {
    const { nomad, backend } = await setup();
    await backend.create({ name: "lost" });
    const info = await backend.start("lost");
    nomad.inject({ type: "allocLost", allocId: String(info.refs.allocId) });
    await expect.poll(async () => (await backend.get("lost")).status, { timeout: 10_000 }).toBe("lost");
    await expect(backend.exec("lost", { command: ["true"] })).rejects.toMatchObject({ code: "NOT_RUNNING" });
  });
});
