// startSandboxJob against the emulator: one register + one event stream when create's job is known, and every fallback.
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { hasErrorCode, parseSandboxSpec, type StartProgress } from "@agentkernel/core";
import { type EmulatorOptions, startEmulator } from "@agentkernel/nomad-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { type NomadJob, NomadClient } from "./client/index.js";
import { buildSandboxJob } from "./job-builder.js";
import { jobIdFor } from "./job-meta.js";
import { type NomadBackendOptions, resolveOptions } from "./nomad-backend-options.js";
import { type KnownJob, type StartContext, startSandboxJob } from "./nomad-start.js";
import { isExecReady } from "./sandbox-status.js";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** A TCP relay in front of the emulator that counts connections holding an event stream (asked for, not refused). */
interface Relay {
  address: string;
  openStreams(): number;
  close(): Promise<void>;
}

async function relayTo(target: string): Promise<Relay> {
  const { hostname, port } = new URL(target);
  // A connection is "asked" from the stream request until its answer's status line: a 200 keeps it a stream; an
  // error answer leaves an idle keep-alive connection, which is no stream.
  const streams = new Map<Socket, "asked" | "open">();
  const all = new Set<Socket>();
  const server: Server = createServer((down) => {
    const up = connect(Number(port), hostname);
    all.add(down);
    for (const s of [down, up]) s.on("error", () => undefined);
    down.on("data", (chunk: Buffer) => {
      if (chunk.toString("latin1").includes("GET /v1/event/stream")) streams.set(down, "asked");
    });
    up.on("data", (chunk: Buffer) => {
      if (streams.get(down) !== "asked") return;
      if (chunk.toString("latin1").startsWith("HTTP/1.1 200")) streams.set(down, "open");
      else streams.delete(down);
    });
    down.on("close", () => {
      streams.delete(down);
      all.delete(down);
      up.destroy();
    });
    up.on("close", () => down.destroy());
    down.pipe(up).pipe(down);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    openStreams: () => streams.size,
    async close() {
      for (const s of all) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(emulator: EmulatorOptions = {}, options: NomadBackendOptions = {}, ctxExtra: Partial<StartContext> = {}) {
  const nomad: Emulator = await startEmulator({ port: 0, maxKillTimeoutMs: 200, ...emulator });
  cleanups.push(() => nomad.stop());
  const relay = await relayTo(nomad.address);
  cleanups.push(() => relay.close());
  const client = new NomadClient({ address: relay.address, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
  cleanups.push(async () => client.close());
  const resolved = resolveOptions({ onWarning: () => undefined, ...options }, {});
  const ctx: StartContext = {
    client,
    namespace: undefined,
    driver: resolved.settings.driver.driver,
    datacenters: resolved.settings.datacenters,
    startTimeoutMs: 20_000,
    blockingWaitMs: 2_000,
    ...ctxExtra,
  };
  /** What the backend's create does: register the job stopped, "only if new"; keeps what `known` needs. */
  const create = async (name: string): Promise<KnownJob> => {
    const job = buildSandboxJob(parseSandboxSpec({ name }), resolved.settings, { stop: true, createdAt: new Date() });
    const registered = await client.jobs.register(job as NomadJob, { enforceIndex: true, jobModifyIndex: 0 });
    return { job: job as NomadJob, jobModifyIndex: registered.data.JobModifyIndex };
  };
  /** Request counts since the last reset, without zeros. */
  const requests = () => Object.fromEntries(Object.entries(nomad.stats().requests).filter(([, n]) => n > 0));
  return { nomad, relay, client, ctx, create, requests };
}

async function eventually(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 60 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  return check();
}

async function liveJobs(client: NomadClient): Promise<string[]> {
  return (await client.jobs.list({})).data.filter((j) => !j.Stop).map((j) => j.ID);
}

describe("startSandboxJob", { timeout: 30_000 }, () => {
  it("with create's job known: one register and one event stream, progress reported, stream closed", async () => {
    const { nomad, relay, client, ctx, create, requests } = await setup();
    const known = await create("fast");
    nomad.resetStats();
    const phases: StartProgress["phase"][] = [];
    const { alloc, job } = await startSandboxJob(ctx, "fast", { onProgress: (p) => phases.push(p.phase) }, known);
    expect(isExecReady(alloc)).toBe(true);
    expect(requests()).toEqual({ "PUT /v1/jobs": 1, "GET /v1/event/stream": 1 });
    const { data: stored } = await client.jobs.info(jobIdFor("fast"));
    expect([job.Stop, job.Meta, job.JobModifyIndex]).toEqual([false, stored.Meta, stored.JobModifyIndex]);
    // The stream sees every allocation update, so "starting" (placed, pending) comes before the image pull.
    expect(phases).toEqual(["placing", "starting", "pulling", "running"]);
    expect(await eventually(() => relay.openStreams() === 0)).toBe(true);
  });

  it("without known: the read-first path, still followed on one stream", async () => {
    const { nomad, ctx, create, requests } = await setup();
    await create("plain");
    nomad.resetStats();
    expect(isExecReady((await startSandboxJob(ctx, "plain")).alloc)).toBe(true);
    expect(requests()).toEqual({ "GET /v1/job/:id": 1, "PUT /v1/jobs": 1, "GET /v1/event/stream": 1 });
  });

  it("explains a placement failure from the stream and stops the job", async () => {
    const { relay, client, ctx, create } = await setup({ nodes: [{ drivers: ["exec"] }, { drivers: ["raw_exec"] }] });
    const known = await create("nodocker");
    const err = await startSandboxJob(ctx, "nodocker", {}, known).catch((e: unknown) => e);
    expect(hasErrorCode(err, "PLACEMENT_FAILED")).toBe(true);
    expect(String((err as Error).message)).toMatch(
      /no node in dc1 has driver docker \(2 evaluated, 2 filtered: missing drivers\)/,
    );
    expect(await liveJobs(client)).toEqual([]);
    expect(await eventually(() => relay.openStreams() === 0)).toBe(true);
  });

  it("reports a task that fails to start with its task events", async () => {
    const { client, ctx, create } = await setup(
      {},
      { mainCommand: ["/nonexistent/agentkernel-main"], driver: { driver: "raw_exec", allowUnisolated: true } },
    );
    const known = await create("broken");
    const err = await startSandboxJob(ctx, "broken", {}, known).catch((e: unknown) => e);
    expect(hasErrorCode(err, "PLACEMENT_FAILED")).toBe(true);
    expect(String((err as Error).message)).toMatch(/failed to start \(allocation failed\): Driver Failure: .*nonexistent/);
    expect(await liveJobs(client)).toEqual([]);
  });

  it.each([
    ["refused (500)", { type: "error", status: 500, message: "stream refused", route: "GET /v1/event/stream" }],
    ["reset", { type: "reset", route: "GET /v1/event/stream" }],
    ["silent (never answers in time)", { type: "latency", ms: 4_000, route: "GET /v1/event/stream" }],
  ] as const)("falls back to blocking queries when the stream is %s", async (_, fault) => {
    const { nomad, relay, ctx, create, requests } = await setup({}, {}, { streamQuietMs: 300 });
    const known = await create("fallback");
    nomad.inject(fault);
    nomad.resetStats();
    expect(isExecReady((await startSandboxJob(ctx, "fallback", {}, known)).alloc)).toBe(true);
    expect(requests()["GET /v1/evaluation/:id"]).toBeGreaterThanOrEqual(1);
    expect(requests()["GET /v1/job/:id/allocations"]).toBeGreaterThanOrEqual(1);
    expect(await eventually(() => relay.openStreams() === 0)).toBe(true);
  });

  it("falls back to blocking queries when the replayed index holds nothing of ours (evicted buffer)", async () => {
    const { nomad, client, ctx, create, requests } = await setup({ eventBufferSize: 2 }, {}, { streamQuietMs: 3_500 });
    const known = await create("evicted");
    // The stream opens late: by then the start has settled and later writes pushed its events out of the buffer.
    nomad.inject({ type: "latency", ms: 2_000, route: "GET /v1/event/stream" });
    const pending = startSandboxJob(ctx, "evicted", {}, known);
    const running = async () => (await client.jobs.allocations(jobIdFor("evicted"))).data.some(isExecReady);
    while (!(await running())) await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 3; i++) await create(`filler-${i}`);
    nomad.resetStats();
    expect(isExecReady((await pending).alloc)).toBe(true);
    expect(requests()["GET /v1/job/:id/allocations"]).toBeGreaterThanOrEqual(1);
    expect(await liveJobs(client)).toEqual([jobIdFor("evicted")]);
  });

  it("falls back to reading the job when it changed since create (check-and-set conflict), keeping the change", async () => {
    const { nomad, client, ctx, create, requests } = await setup();
    const known = await create("changed");
    const { data: stored } = await client.jobs.info(jobIdFor("changed"));
    await client.jobs.register(
      { ...known.job, Meta: { ...known.job.Meta, touched: "yes" } },
      { enforceIndex: true, jobModifyIndex: stored.JobModifyIndex ?? 0 },
    );
    nomad.resetStats();
    const started = await startSandboxJob(ctx, "changed", {}, known);
    expect(isExecReady(started.alloc)).toBe(true);
    expect(requests()).toEqual({ "GET /v1/job/:id": 1, "PUT /v1/jobs": 2, "GET /v1/event/stream": 1 });
    const { data: now } = await client.jobs.info(jobIdFor("changed"));
    expect([now.Stop, now.Meta?.touched]).toEqual([false, "yes"]);
    // What start reports as stored is what Nomad stores, not create's stale body.
    expect([started.job.Stop, started.job.Meta?.touched, started.job.JobModifyIndex]).toEqual([false, "yes", now.JobModifyIndex]);
  });

  it("a removed job is NOT_FOUND, never resurrected", async () => {
    const { client, ctx, create } = await setup();
    const known = await create("gone");
    await client.jobs.deregister(jobIdFor("gone"), { purge: true });
    await expect(startSandboxJob(ctx, "gone", {}, known)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await client.jobs.list({})).data).toEqual([]);
  });

  it("a start that times out while streaming stops the job and closes the stream", async () => {
    const { relay, client, ctx, create } = await setup({ taskStartDelayMs: 5_000 }, {}, { startTimeoutMs: 600 });
    const known = await create("slow");
    const err = await startSandboxJob(ctx, "slow", {}, known).catch((e: unknown) => e);
    expect(hasErrorCode(err, "TIMEOUT")).toBe(true);
    expect(await liveJobs(client)).toEqual([]);
    expect(await eventually(() => relay.openStreams() === 0)).toBe(true);
  });
});
