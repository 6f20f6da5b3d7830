// Hostile 200 bodies (wrong JSON kind, null, empty, not JSON) and huge error bodies against a real node:http server.
import { BackendUnavailableError } from "@agentkernel/core";
import { afterEach, describe, expect, it } from "vitest";
import { NomadResponseError } from "./errors.js";
import { NomadClient } from "./nomad-client.js";
import { type FakeNomad, type Handler, reply, startFakeNomad } from "./test-fake-nomad.js";

let fake: FakeNomad | undefined;
let client: NomadClient | undefined;

async function setup(handler: Handler): Promise<NomadClient> {
  fake = await startFakeNomad(handler);
  client = new NomadClient({ address: fake.address, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  return client;
}

afterEach(async () => {
  await client?.close();
  await fake?.close();
  client = undefined;
  fake = undefined;
});

// Answers every request 200 with `text` as a JSON body.
const answer =
  (text: string): Handler =>
  (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "x-nomad-index": "3" });
    res.end(text);
  };

async function failure(call: Promise<unknown>): Promise<BackendUnavailableError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BackendUnavailableError);
  return err as BackendUnavailableError;
}

describe("200 bodies of the wrong shape", () => {
  it.each([
    ["an array where an object belongs", "[1,2,3]", (c: NomadClient) => c.jobs.info("a"), "expected an object; got array"],
    ["null", "null", (c: NomadClient) => c.jobs.info("a"), "expected an object; got null"],
    ["an empty body", "", (c: NomadClient) => c.jobs.info("a"), "expected an object; got an empty body"],
    ["not JSON", "<html>proxy login</html>", (c: NomadClient) => c.jobs.info("a"), "that are not JSON"],
    ["an object where an array belongs", '{"ID":"a"}', (c: NomadClient) => c.jobs.list(), "expected an array; got object"],
    ["a list of numbers", "[1,2]", (c: NomadClient) => c.jobs.allocations("a"), "item 0 is number, expected object"],
    ["a job whose ID is a number", '{"ID":5,"Status":[]}', (c: NomadClient) => c.jobs.info("a"), "ID is number, expected string"],
    [
      "a stub whose ModifyIndex is a string",
      '[{"ID":"a","ModifyIndex":"7"}]',
      (c: NomadClient) => c.jobs.list(),
      "item 0: ModifyIndex is string",
    ],
    ["an object where the leader string belongs", "{}", (c: NomadClient) => c.status.leader(), "expected a string; got object"],
    ["null for a register answer", "null", (c: NomadClient) => c.jobs.register({ ID: "a" }), "expected an object; got null"],
  ] as const)("%s → BackendUnavailableError naming the call and NOMAD_ADDR", async (_name, body, call, why) => {
    const c = await setup(answer(body));
    const err = await failure(call(c));
    expect(err.message).toMatch(/^\[nomad\] (GET|PUT) \/v1\/\S+ \(.+\): Nomad answered with an unexpected body/);
    expect(err.message).toContain(why);
    expect(err.message).toContain("is NOMAD_ADDR a Nomad agent?");
  });

  it("does not echo a large unexpected body into the message", async () => {
    const c = await setup(answer(JSON.stringify({ Items: "x".repeat(100_000) })));
    const err = await failure(c.jobs.list());
    expect(err.message.length).toBeLessThan(400);
  });

  it("accepts the right shapes, partial objects, an empty leader and the variable delete's empty 204", async () => {
    const c = await setup((req, res) => {
      if (req.path === "/v1/status/leader") return reply(res, 200, "");
      if (req.method === "DELETE") return void res.writeHead(204).end();
      if (req.path === "/v1/jobs") return reply(res, 200, [{ ID: "a", Stop: false, ModifyIndex: 4 }]);
      reply(res, 200, { ID: "a" });
    });
    expect((await c.jobs.list()).data).toEqual([{ ID: "a", Stop: false, ModifyIndex: 4 }]);
    expect((await c.jobs.info("a")).data).toEqual({ ID: "a" });
    await expect(c.variables.delete("p")).resolves.toMatchObject({ data: undefined });
  });
});

describe("huge Nomad error bodies", () => {
  it("quotes at most 512 chars in messages and keeps at most 64 KiB on the cause", async () => {
    const c = await setup((_req, res) => reply(res, 500, "E".repeat(2_000_000)));
    const err = await c.jobs.info("a").then(
      () => undefined,
      (e: unknown) => e as Error & { cause?: unknown },
    );
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(err?.message.length).toBeLessThan(1_000);
    expect(err?.message).toContain(`${"E".repeat(512)}…(1999488 more bytes)`);
    const cause = err?.cause;
    expect(cause).toBeInstanceOf(NomadResponseError);
    const response = cause as NomadResponseError;
    expect(response.body.length).toBe(64 * 1024);
    expect(response.bodyBytes).toBe(2_000_000);
    expect(response.message.length).toBeLessThan(1_000);
  });

  it("quotes a short body whole", async () => {
    const c = await setup((_req, res) => reply(res, 400, "bad filter"));
    await expect(c.jobs.list()).rejects.toThrow("(Nomad said: bad filter)");
  });
});
