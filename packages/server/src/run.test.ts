// /run, /run/stream (SSE order, live delivery, real exit codes, errors) and /batch/run (order, bounded, per-run errors).
import type { Backend } from "@agentkernel/core";
import type { Emulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulator, nomadBackend, readSse, type TestServer, testServer, json } from "./test-server.js";

let nomad: Emulator;
let backend: Backend;
let t: TestServer;

beforeAll(async () => {
  nomad = await emulator();
  backend = nomadBackend(nomad);
  t = await testServer({ backend, limits: { maxBatchConcurrency: 2 } });
});
afterAll(async () => {
  await t.server.close();
  await backend.close?.();
  await nomad.stop();
});

/** Ephemeral sandboxes still present (every run must remove its own). */
async function leftovers(): Promise<string[]> {
  return (await backend.list()).map((s) => s.name).filter((n) => n.startsWith("run-"));
}

/** Reads SSE events one by one from a live response. */
async function* events(res: Response): AsyncGenerator<{ event: string; data: Record<string, unknown> }> {
  const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
  if (!reader) return;
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event) yield { event, data: data ? JSON.parse(data) : {} };
      end = buffer.indexOf("\n\n");
    }
  }
}

describe("/run", () => {
  it("runs in a temporary sandbox, returns the real exit code, and removes it", async () => {
    const res = await t.api("/run", { method: "POST", json: { command: ["sh", "-c", "echo out; echo err >&2; exit 4"] } });
    const body = await json(res);
    expect(res.status).toBe(200);
    expect(body.data).toMatchObject({ exit_code: 4, stdout: "out\n", stderr: "err\n", output: "out\nerr\n", warm: false });
    expect(body.data.sandbox).toMatch(/^run-[0-9a-f]{12}$/);
    expect(await leftovers()).toEqual([]);
  });

  it("refuses a bad command before creating anything", async () => {
    const res = await t.api("/run", { method: "POST", json: { command: ["ls"], cwd: "relative" } });
    expect(res.status).toBe(400);
    expect(await leftovers()).toEqual([]);
  });
});

describe("/run/stream", () => {
  it("sends started, progress, output as it happens, then done with the real exit code", async () => {
    const res = await t.api("/run/stream", {
      method: "POST",
      json: { command: ["sh", "-c", "echo first; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo second >&2; exit 9"] },
    });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const seen: { event: string; data: Record<string, unknown> }[] = [];
    let sandbox = "";
    for await (const e of events(res)) {
      seen.push(e);
      if (e.event === "started") sandbox = String(e.data.sandbox);
      // The command is still blocked when "first" arrives: only this client can release it. Live, not buffered.
      if (e.event === "output" && e.data.content === "first\n") {
        const put = await t.api(`/sandboxes/${sandbox}/files/tmp/go`, { method: "PUT", json: { content: "" } });
        expect(put.status).toBe(200);
      }
    }
    const names = seen.map((e) => e.event);
    expect(names[0]).toBe("started");
    expect(names.at(-1)).toBe("done");
    const stages = seen.filter((e) => e.event === "progress").map((e) => e.data.stage);
    expect(stages[0]).toBe("creating");
    expect(stages.at(-1)).toBe("executing");
    expect(names.indexOf("output")).toBeGreaterThan(names.lastIndexOf("progress"));
    expect(seen.filter((e) => e.event === "output").map((e) => e.data)).toEqual([
      { stream: "stdout", content: "first\n" },
      { stream: "stderr", content: "second\n" },
    ]);
    expect(seen.at(-1)?.data).toMatchObject({ exit_code: 9, sandbox });
    expect(await leftovers()).toEqual([]);
  });

  it("a client that hangs up ends the command and the sandbox is removed", async () => {
    const abort = new AbortController();
    const res = await t.api("/run/stream", { method: "POST", json: { command: ["sleep", "120"] }, signal: abort.signal });
    for await (const e of events(res)) if (e.event === "progress" && e.data.stage === "executing") break;
    expect(await leftovers()).toHaveLength(1);
    abort.abort();
    for (let i = 0; i < 600 && (await leftovers()).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await leftovers()).toEqual([]);
  });

  it("ends with an error event when the run fails after the stream started", async () => {
    const res = await t.api("/run/stream", { method: "POST", json: { command: ["true"], memory_mb: 900_000 } });
    const seen = await readSse(res);
    expect(seen[0]?.event).toBe("started");
    expect(seen.at(-1)).toMatchObject({ event: "error", data: { code: "PLACEMENT_FAILED" } });
    expect(seen.some((e) => e.event === "done")).toBe(false);
    expect(await leftovers()).toEqual([]);
  });
});

describe("/batch/run", () => {
  it("returns one result per run in request order, failures included", async () => {
    const runs = [
      { command: ["sh", "-c", "sleep 0.3; echo slow"] },
      { command: ["sh", "-c", "echo fast; exit 2"] },
      { command: ["ls"], cwd: "not-absolute" },
      { command: ["echo", "last"] },
    ];
    const res = await t.api("/batch/run", { method: "POST", json: { runs, concurrency: 10 } });
    expect(res.status).toBe(200);
    const { results } = (await json(res)).data;
    const [slow, fast, bad, last] = results.map((r) => r);
    expect(results.map((r) => r.success)).toEqual([true, true, false, true]);
    expect(slow?.data.stdout).toBe("slow\n");
    expect(fast?.data).toMatchObject({ stdout: "fast\n", exit_code: 2 });
    expect(bad?.error.code).toBe("INVALID_INPUT");
    expect(last?.data.stdout).toBe("last\n");
    expect(await leftovers()).toEqual([]);
  });

  it("validates the batch", async () => {
    expect((await t.api("/batch/run", { method: "POST", json: { runs: [] } })).status).toBe(400);
    expect((await t.api("/batch/run", { method: "POST", json: { runs: [{ command: "echo hi" }] } })).status).toBe(400);
  });
});

describe("/pool without a pool", () => {
  it("says it is disabled", async () => {
    expect(await json(await t.api("/pool"))).toEqual({ success: true, data: { enabled: false } });
  });
});
