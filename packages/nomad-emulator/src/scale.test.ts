/** Large tables stay usable: 300 jobs listed with a filter and paginated to the end (10,000 is a bench figure). */
import { afterAll, beforeAll, expect, test } from "vitest";
import { type Emulator, startEmulator } from "./index.js";
import { arr, call } from "./test-helpers.js";

let nomad: Emulator;
const N = 300;
beforeAll(async () => {
  nomad = await startEmulator({ port: 0, isolation: "none", placementDelayMs: 0 });
  // Parameterized parents: real registrations without allocations, so only the tables grow.
  const job = (i: number) => ({
    Job: {
      ID: `scale-${String(i).padStart(5, "0")}`,
      Type: "batch",
      Meta: { "agentkernel-managed": i % 2 === 0 ? "true" : "false" },
      ParameterizedJob: {},
      TaskGroups: [{ Name: "g", Tasks: [{ Name: "t", Driver: "raw_exec", Config: { command: "true" } }] }],
    },
  });
  for (let i = 0; i < N; i += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, k) => call(nomad.address, "PUT", "/v1/jobs", job(i + k))));
  }
}, 60_000);
afterAll(() => nomad.stop());

test("filter + per_page walks every matching job exactly once", async () => {
  const filter = encodeURIComponent('Meta["agentkernel-managed"] == "true"');
  const seen: string[] = [];
  let token = "";
  for (;;) {
    const r = await call(nomad.address, "GET", `/v1/jobs?filter=${filter}&per_page=60${token ? `&next_token=${token}` : ""}`);
    seen.push(...arr(r.json).map((j) => j.ID as string));
    token = r.headers.get("x-nomad-nexttoken") ?? "";
    if (!token) break;
  }
  expect(seen).toHaveLength(N / 2);
  expect(new Set(seen).size).toBe(N / 2);
  expect([...seen].sort()).toEqual(seen);
});
