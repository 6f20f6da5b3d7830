import { NotFoundError, StreamInterruptedError } from "@agentkernel/core";
import { afterEach, describe, expect, it } from "vitest";
import { NomadClient } from "./nomad-client.js";
import { type FakeNomad, type Handler, reply, startFakeNomad } from "./test-fake-nomad.js";
import eventFixture from "./__fixtures__/event-stream-frame.json" with { type: "json" };
import fsFixture from "./__fixtures__/fs-stream-frames.json" with { type: "json" };

const ALLOC = "3f9c2a71-8e4d-b6a0-5c17-d24e9b80f613";
const { _comment, ...eventFrame } = eventFixture;
let fake: FakeNomad | undefined;
let client: NomadClient | undefined;

async function setup(handler: Handler) {
  fake = await startFakeNomad(handler);
  client = new NomadClient({
    address: fake.address,
    namespace: "agentkernel",
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
  });
  return { fake, client };
}

afterEach(async () => {
  await client?.close();
  await fake?.close();
  client = undefined;
  fake = undefined;
});

const tick = () => new Promise((r) => setTimeout(r, 5));

/** Writes `parts` as separate chunks with a pause between them, then ends or resets the connection. */
function chunked(parts: string[], end: "end" | "reset" = "end"): Handler {
  return async (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    for (const p of parts) {
      res.write(p);
      await tick();
    }
    if (end === "end") res.end();
    else res.socket?.destroy();
  };
}

describe("event stream", () => {
  it("decodes recorded NDJSON frames split across chunks and skips {} heartbeats", async () => {
    const line = `${JSON.stringify(eventFrame)}\n`;
    const { fake, client } = await setup(chunked(["{}\n", line.slice(0, 100), line.slice(100), "{}\n"]));
    const frames = [];
    for await (const f of client.events.stream({ topics: { Allocation: ["sbx-7f3a"], Job: ["*"] }, index: 1215 })) frames.push(f);
    expect(frames).toEqual([eventFrame]);
    const q = fake.requests[0]?.query;
    expect(q?.getAll("topic")).toEqual(["Allocation:sbx-7f3a", "Job:*"]);
    expect(q?.get("index")).toBe("1215");
    expect(q?.get("namespace")).toBe("agentkernel");
  });

  it("a connection that breaks mid-stream is StreamInterruptedError", async () => {
    const { client } = await setup(chunked(["{}\n", `${JSON.stringify(eventFrame)}\n`, '{"Index":12'], "reset"));
    const seen: number[] = [];
    const err = await (async () => {
      for await (const f of client.events.stream({ topics: { Job: ["*"] } })) seen.push(f.Index);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([1215]);
    expect(err).toBeInstanceOf(StreamInterruptedError);
  });
});

describe("fs logs", () => {
  it("decodes the recorded concatenated-JSON body into offsets, bytes and file events", async () => {
    const raw = fsFixture.raw_body_example;
    const { fake, client } = await setup(chunked([raw.slice(0, 17), raw.slice(17, 70), raw.slice(70)]));
    const frames = [];
    for await (const f of client.fs.logs(ALLOC, { task: "main", type: "stdout", offset: 0, origin: "start" })) {
      frames.push({ ...f, data: Buffer.from(f.data).toString() });
    }
    expect(frames).toEqual([
      { offset: 6, data: "hello\n", file: "alloc/logs/main.stdout.0" },
      { offset: 10, data: "bye\n", file: "alloc/logs/main.stdout.0" },
      { offset: 10, data: "", file: "alloc/logs/main.stdout.0", fileEvent: "file truncated" },
    ]);
    const q = fake.requests[0]?.query;
    expect(fake.requests[0]?.path).toBe(`/v1/client/fs/logs/${ALLOC}`);
    expect([q?.get("task"), q?.get("type"), q?.get("follow"), q?.get("offset"), q?.get("origin")]).toEqual([
      "main",
      "stdout",
      "false",
      "0",
      "start",
    ]);
  });

  it("an error before the first byte is a normal core error", async () => {
    const { client } = await setup((_req, res) => reply(res, 404, 'task "main" not started yet. No logs available'));
    const err = await (async () => {
      for await (const _ of client.fs.logs(ALLOC, { task: "main", type: "stderr" })) break;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toMatch(/not started yet/);
  });

  it("cat streams raw bytes and fails with StreamInterruptedError if the body breaks", async () => {
    const { client } = await setup(async (req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write(Buffer.from([0, 1, 2, 255]));
      await tick();
      if (req.query.get("path") === "whole") res.end(Buffer.from([254]));
      else res.socket?.destroy();
    });
    const chunks: Buffer[] = [];
    for await (const c of await client.fs.cat(ALLOC, "whole")) chunks.push(c as Buffer);
    expect([...Buffer.concat(chunks)]).toEqual([0, 1, 2, 255, 254]);
    const broken = await client.fs.cat(ALLOC, "broken");
    const err = await (async () => {
      for await (const _ of broken) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamInterruptedError);
  });
});

describe("agent health", () => {
  it("returns the health JSON, also when Nomad answers it with 500", async () => {
    const unhealthy = { client: { ok: false, message: "no known servers" }, server: { ok: true, message: "ok" } };
    const { client } = await setup((req, res) =>
      req.query.get("type") === "client" ? reply(res, 500, JSON.stringify(unhealthy)) : reply(res, 200, unhealthy),
    );
    expect(await client.agent.health()).toEqual(unhealthy);
    expect(await client.agent.health({ params: { type: "client" } })).toEqual(unhealthy);
  });
});
