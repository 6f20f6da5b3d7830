// R4: an exec stream cut mid-output and a Nomad that never answers end in an error within the configured timeout,
// leave no pending promise and no open socket.
import { createNomadBackend } from "@agentkernel/backend-nomad";
import { AgentkernelError, type Backend } from "@agentkernel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CountingProxy, countingProxy } from "./counting-proxy.js";
import { eventually, type FakeNomad, silentNomad } from "./hostile-nomad.js";
import { type Emulator, emulator, nomadBackend } from "./reliability-harness.js";
import { report } from "./reliability-scale.js";

/** The longest any call may take here before it counts as a hang. */
const LIMIT_MS = 5_000;
const RAW_EXEC = { driver: { driver: "raw_exec" as const, allowUnisolated: true as const } };

/** Settles `p` or reports "pending" after LIMIT_MS; returns the outcome and how long it took. */
async function settle(
  p: Promise<unknown>,
): Promise<{ state: "resolved" | "rejected" | "pending"; value?: unknown; error?: unknown; ms: number }> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<"pending">((r) => {
    timer = setTimeout(() => r("pending"), LIMIT_MS + 1_000);
  });
  const outcome = await Promise.race([
    p.then(
      (value: unknown) => ({ state: "resolved" as const, value }),
      (error: unknown) => ({ state: "rejected" as const, error }),
    ),
    pending.then(() => ({ state: "pending" as const })),
  ]);
  clearTimeout(timer);
  return { ...outcome, ms: Date.now() - t0 };
}

const timings: Record<string, number> = {};

/** Expects a core error within LIMIT_MS and records how long it took. */
function expectCoreErrorInTime(what: string, r: Awaited<ReturnType<typeof settle>>, codes: string[]): void {
  timings[what] = r.ms;
  expect(r.state, `${what} must reject, not hang`).toBe("rejected");
  expect(AgentkernelError.isInstance(r.error), `${what}: ${String(r.error)}`).toBe(true);
  expect(codes, `${what}: ${String(r.error)}`).toContain((r.error as AgentkernelError).code);
  expect(r.ms, `${what} took ${r.ms} ms`).toBeLessThanOrEqual(LIMIT_MS);
}

let nomad: Emulator;
let proxy: CountingProxy;
let backend: Backend;
const silent: FakeNomad[] = [];

beforeAll(async () => {
  nomad = await emulator({ isolation: "none" });
  proxy = await countingProxy(nomad.address);
  backend = nomadBackend(proxy.address, RAW_EXEC);
  await backend.create({ name: "r4-box" });
  await backend.start("r4-box");
});

afterAll(async () => {
  nomad?.inject({ type: "clear" });
  await backend?.remove("r4-box").catch(() => undefined);
  await backend?.close?.();
  await proxy?.close();
  for (const s of silent) await s.close();
  await nomad?.stop();
  report("R4 hangs", timings);
});

describe("R4 cut streams and silent Nomads", () => {
  it("an exec stream cut mid-output rejects with STREAM_INTERRUPTED, ends stdout, and closes its socket", async () => {
    nomad.inject({ type: "exec", execCutAfterBytes: 200_000 });
    const session = await backend.exec("r4-box", { command: ["head", "-c", "50000000", "/dev/zero"] });
    let got = 0;
    const drained = (async () => {
      for await (const c of session.stdout) got += (c as Buffer).length;
    })();
    session.stderr.resume();
    const exit = await settle(session.exit);
    const out = await settle(drained);
    nomad.inject({ type: "clear" });
    expectCoreErrorInTime("cut exec: exit", exit, ["STREAM_INTERRUPTED"]);
    expect(out.state, "stdout must end or error, not hang").not.toBe("pending");
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(50_000_000);
    expect(await eventually(() => proxy.openWebSockets() === 0, LIMIT_MS), "the cut exec's socket stays open").toBe(true);
  });

  it("an exec timeout ends the remote command with TIMEOUT and closes its socket", async () => {
    const session = await backend.exec("r4-box", { command: ["sleep", "60"], timeoutMs: 1_000 });
    session.stdout.resume();
    session.stderr.resume();
    const exit = await settle(session.exit);
    expectCoreErrorInTime("exec timeoutMs=1000", exit, ["TIMEOUT"]);
    expect(await eventually(() => proxy.openWebSockets() === 0, LIMIT_MS)).toBe(true);
  });

  it("a Nomad that accepts and never answers: every call errors within the configured timeout, no socket left", async () => {
    const fake = await silentNomad();
    silent.push(fake);
    const mute = createNomadBackend({
      config: { address: fake.address, timeoutMs: 2_000, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
      env: {},
      ...RAW_EXEC,
      startTimeoutMs: 3_000,
      blockingWaitMs: 1_000,
      onWarning: () => undefined,
    });
    const codes = ["TIMEOUT", "BACKEND_UNAVAILABLE"];
    expectCoreErrorInTime("silent: get", await settle(mute.get("r4-box")), codes);
    expectCoreErrorInTime("silent: create", await settle(mute.create({ name: "r4-new" })), codes);
    expectCoreErrorInTime("silent: list", await settle(mute.list()), codes);
    expectCoreErrorInTime("silent: exec", await settle(mute.exec("r4-box", { command: ["true"] })), codes);
    expectCoreErrorInTime("silent: start", await settle(mute.start("r4-box")), codes);
    // Without calling close(): a timed-out request must not leave its connection open.
    const closedBeforeClose = await eventually(() => fake.openSockets() === 0, LIMIT_MS);
    timings["silent: sockets open after the timeouts"] = fake.openSockets();
    await mute.close?.();
    const closedAfterClose = await eventually(() => fake.openSockets() === 0, LIMIT_MS);
    timings["silent: sockets open after close()"] = fake.openSockets();
    // Once a known client bug (timed-out requests kept their sockets, even past close()); fixed in the backend-nomad
    // client (connector.ts), so asserted in `pnpm test` too.
    expect(closedBeforeClose, "timed-out requests left their sockets open to the silent Nomad").toBe(true);
    expect(closedAfterClose, "sockets open even after close()").toBe(true);
  });
});
