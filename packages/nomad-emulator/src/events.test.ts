/** Event stream: NDJSON frames, `{}` heartbeats, topic keys and FilterKeys, inclusive index (REFERENCE.md §4). */
import { afterAll, beforeAll, expect, test } from "vitest";
import { type Emulator, startEmulator } from "./index.js";
import { batchJob, call, example, obj } from "./test-helpers.js";

let nomad: Emulator;
beforeAll(async () => {
  nomad = await startEmulator({ port: 0, isolation: "none", eventHeartbeatMs: 100 });
});
afterAll(() => nomad.stop());

/** Reads NDJSON lines from the stream until `until` says stop. */
async function readStream(
  path: string,
  until: (lines: Record<string, unknown>[]) => boolean,
  headers: Record<string, string> = {},
) {
  const ac = new AbortController();
  const r = await fetch(nomad.address + path, { signal: ac.signal, headers });
  expect(r.headers.get("content-type")).toBe("application/json");
  const reader = r.body?.getReader();
  if (!reader) throw new Error("no body");
  const lines: Record<string, unknown>[] = [];
  let buf = "";
  const deadline = Date.now() + 10_000;
  while (!until(lines) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += Buffer.from(value).toString();
    let nl = buf.indexOf("\n");
    while (nl >= 0) {
      lines.push(obj(JSON.parse(buf.slice(0, nl))));
      buf = buf.slice(nl + 1);
      nl = buf.indexOf("\n");
    }
  }
  ac.abort();
  return lines;
}

test("heartbeat first, then frames filtered by topic key (Allocation:<job> via FilterKeys)", async () => {
  const reg = obj((await call(nomad.address, "PUT", "/v1/jobs", batchJob("ev-1", ["sleep", "30"]))).json);
  await call(nomad.address, "PUT", "/v1/jobs", batchJob("ev-other", ["sleep", "30"]));
  const lines = await readStream("/v1/event/stream?topic=Allocation:ev-1&topic=Job:ev-1&index=1", (l) =>
    l.some((f) =>
      ((f.Events as Record<string, unknown>[] | undefined) ?? []).some(
        (e) => obj(obj(e.Payload).Allocation ?? {}).ClientStatus === "running",
      ),
    ),
  );
  expect(lines[0]).toEqual({});
  const events = lines.flatMap((f) => (f.Events as Record<string, unknown>[] | undefined) ?? []);
  expect(events.length).toBeGreaterThan(0);
  for (const e of events) {
    if (e.Topic === "Allocation") expect(e.FilterKeys).toEqual(["ev-1", ""]);
    else expect([e.Topic, e.Key]).toEqual(["Job", "ev-1"]);
  }
  const jobEv = events.find((e) => e.Topic === "Job");
  expect(jobEv?.Type).toBe("JobRegistered");
  expect(jobEv?.Index).toBe(reg.Index);
  const alloc = obj(obj(events.find((e) => e.Topic === "Allocation")?.Payload).Allocation);
  expect(alloc.Job).toBeNull();
  expect(events.map((e) => e.Type)).toContain("PlanResult");
  const exampleKeys = Object.keys(obj(arr0(example("event-stream-frame.json").Events)));
  for (const k of exampleKeys) expect(jobEv).toHaveProperty(k);
});

test("index is inclusive", async () => {
  const reg = obj((await call(nomad.address, "PUT", "/v1/jobs", batchJob("ev-2", ["true"]))).json);
  const lines = await readStream(`/v1/event/stream?topic=Job:ev-2&index=${reg.Index}`, (l) => l.length >= 2);
  expect(obj(lines[1]).Index).toBe(reg.Index);
});

test("heartbeats keep coming while idle", async () => {
  const lines = await readStream("/v1/event/stream?topic=Job:none", (l) => l.length >= 3);
  expect(lines.slice(0, 3)).toEqual([{}, {}, {}]);
});

test("bad topic → 400 Invalid topic query", async () => {
  const r = await call(nomad.address, "GET", "/v1/event/stream?topic=:x");
  expect(r.status).toBe(400);
  expect(r.text).toMatch(/^Invalid topic query: /);
});

test("bad index → 400", async () => {
  const r = await call(nomad.address, "GET", "/v1/event/stream?index=abc");
  expect(r.status).toBe(400);
  expect(r.text).toMatch(/^Unable to parse index/);
});

function arr0(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : undefined;
}
