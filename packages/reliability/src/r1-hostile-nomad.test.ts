// R1 hostile Nomad responses: garbage JSON, wrong types, truncated bodies and HTML must end in a clear core error.
import { createNomadBackend } from "@agentkernel/backend-nomad";
import { AgentkernelError, type Backend } from "@agentkernel/core";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, type FakeNomad, hostileHttpNomad } from "./hostile-nomad.js";
import { report } from "./reliability-scale.js";

const fakes: FakeNomad[] = [];
let cases = 0;

afterAll(async () => {
  for (const f of fakes) await f.close();
  report("R1 hostile Nomad responses", { cases });
});

const HEADERS = {
  "content-type": "application/json",
  "x-nomad-index": "7",
  "x-nomad-knownleader": "true",
  "x-nomad-lastcontact": "0",
};

/** Each behaviour answers every request the same hostile way. */
const BEHAVIOURS: Record<string, (res: import("node:http").ServerResponse) => void> = {
  "garbage JSON": (res) => res.writeHead(200, HEADERS).end("{not json"),
  "wrong types": (res) => res.writeHead(200, HEADERS).end(JSON.stringify({ ID: 5, Allocations: "nope", Status: [], Meta: 7 })),
  "array where an object belongs": (res) => res.writeHead(200, HEADERS).end("[1,2,3]"),
  "truncated body": (res) => {
    res.writeHead(200, { ...HEADERS, "content-length": "1000" });
    res.write('{"ID": "agentkernel-x", "Meta": {');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  "HTML 200": (res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>proxy login</html>"),
  "empty 200": (res) => res.writeHead(200, HEADERS).end(""),
  "null body": (res) => res.writeHead(200, HEADERS).end("null"),
  "huge error text": (res) => res.writeHead(500, { "content-type": "text/plain" }).end("E".repeat(2_000_000)),
  "404 for everything": (res) => res.writeHead(404, { "content-type": "text/plain" }).end("job not found"),
};

/** Runs `op`; returns a problem text unless it ends in a core error with a bounded message (or a sane list). */
async function clearError(op: () => Promise<unknown>, what: string): Promise<string | undefined> {
  cases++;
  const timeout = new Promise<"hang">((r) => setTimeout(() => r("hang"), 15_000).unref());
  const outcome = await Promise.race([
    op().then(
      (v) => ({ ok: v }),
      (e: unknown) => ({ err: e }),
    ),
    timeout,
  ]);
  if (outcome === "hang") return `${what}: hung for 15 s`;
  if ("err" in outcome) {
    const err = outcome.err;
    if (!AgentkernelError.isInstance(err)) return `${what}: not a core error: ${String(err).slice(0, 200)}`;
    if (err.message.length > 10_000) return `${what}: error message is ${err.message.length} chars (the whole body)`;
    return undefined;
  }
  if (what.startsWith("list") && Array.isArray(outcome.ok)) return undefined;
  // Register answered 200: Nomad accepted the job, whatever else the body says.
  if (what.startsWith("create")) return undefined;
  return `${what}: resolved with ${JSON.stringify(outcome.ok)?.slice(0, 200)} instead of an error`;
}

describe("R1 hostile Nomad responses through the backend API", () => {
  for (const [behaviour, respond] of Object.entries(BEHAVIOURS)) {
    // Wrong types, arrays for objects, empty/null 200s and huge error texts once ended in raw TypeErrors or 2 MB
    // messages; the client now checks body shapes and caps error text, so every behaviour runs in `pnpm test`.
    it(`${behaviour}: every operation ends in a clear core error, no crash, no hang`, async () => {
      const fake = await hostileHttpNomad((_req, res) => respond(res));
      fakes.push(fake);
      const backend: Backend = createNomadBackend({
        config: { address: fake.address, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
        env: {},
        driver: { driver: "exec" },
        startTimeoutMs: 5_000,
        blockingWaitMs: 1_000,
      });
      const problems = [
        await clearError(() => backend.get("r1-box"), `get (${behaviour})`),
        await clearError(() => backend.create({ name: "r1-box" }), `create (${behaviour})`),
        await clearError(() => backend.start("r1-box"), `start (${behaviour})`),
        await clearError(() => backend.exec("r1-box", { command: ["true"] }).then((s) => s.exit), `exec (${behaviour})`),
        await clearError(() => backend.list(), `list (${behaviour})`),
      ].filter((p) => p !== undefined);
      await backend.close?.();
      expect(problems).toEqual([]);
      expect(await eventually(() => fake.openSockets() === 0)).toBe(true);
    });
  }
});
