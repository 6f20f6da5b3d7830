import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AbortedError, BackendUnavailableError, TimeoutError } from "@agentkernel/core";
import { describe, expect, it } from "vitest";
import { NomadClient } from "./nomad-client.js";
import { everything, type Handler, reply, startFakeNomad, TEST_TOKEN, useFakeNomadClient } from "./test-fake-nomad.js";
import registerResponse from "./__fixtures__/job-register-response.json" with { type: "json" };

const TOKEN = TEST_TOKEN;
const setup = useFakeNomadClient();

describe("requests", () => {
  it("sends the token and basic auth as headers only, and namespace/region on every request", async () => {
    const { fake, client } = await setup((req, res) => reply(res, 200, req.method === "GET" ? [] : { EvalID: "" }), {
      namespace: "agentkernel",
      region: "eu",
      httpAuth: { username: "u", password: "p" },
    });
    await client.jobs.list({ prefix: "sbx-", filter: 'Meta["a"] == "b"', perPage: 2, meta: true });
    await client.jobs.deregister("x", { purge: true });
    for (const req of fake.requests) {
      expect(req.headers["x-nomad-token"]).toBe(TOKEN);
      expect(req.headers.authorization).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
      expect(req.url).not.toContain(TOKEN);
      expect(req.query.get("namespace")).toBe("agentkernel");
      expect(req.query.get("region")).toBe("eu");
    }
    const list = fake.requests[0];
    expect(list?.query.get("prefix")).toBe("sbx-");
    expect(list?.query.get("filter")).toBe('Meta["a"] == "b"');
    expect(list?.query.get("per_page")).toBe("2");
    expect(list?.query.get("meta")).toBe("true");
    expect(fake.requests[1]?.query.get("purge")).toBe("true");
  });

  it("percent-encodes IDs, so dispatched job IDs with '/' stay one segment", async () => {
    const { fake, client } = await setup((req, res) =>
      reply(res, 200, req.url.includes("/allocations") ? [] : { ID: "p/dispatch-1-ab" }),
    );
    await client.jobs.info("p/dispatch-1-ab");
    await client.jobs.allocations("p/dispatch-1-ab");
    expect(fake.requests.map((r) => r.url.split("?")[0])).toEqual([
      "/v1/job/p%2Fdispatch-1-ab",
      "/v1/job/p%2Fdispatch-1-ab/allocations",
    ]);
  });

  it("parses query meta and pages through jobs one request per page", async () => {
    const pages: Record<string, [string[], string | undefined]> = {
      "": [["a", "b"], "default.c"],
      "default.c": [["c", "d"], "default.e"],
      "default.e": [["e"], undefined],
    };
    const { fake, client } = await setup((req, res) => {
      const [ids, next] = pages[req.query.get("next_token") ?? ""] ?? [[], undefined];
      reply(
        res,
        200,
        ids.map((ID) => ({ ID })),
        42,
        next ? { "x-nomad-nexttoken": next } : {},
      );
    });
    const first = await client.jobs.list({ perPage: 2 });
    expect(first.meta).toEqual({ lastIndex: 42, knownLeader: true, lastContact: 0, nextToken: "default.c" });
    const all: string[] = [];
    for await (const job of client.jobs.listAll({ perPage: 2 })) all.push(job.ID);
    expect(all).toEqual(["a", "b", "c", "d", "e"]);
    expect(fake.requests).toHaveLength(4);
  });

  it("registers with check-and-set in the body and the job's namespace in the query", async () => {
    const { fake, client } = await setup((_req, res) => reply(res, 200, registerResponse, 1207));
    const res = await client.jobs.register(
      { ID: "sbx-1", Namespace: "ak", Stop: true },
      { enforceIndex: true, jobModifyIndex: 0 },
    );
    expect(res).toEqual({ data: registerResponse, meta: { lastIndex: 1207 } });
    const req = fake.requests[0];
    expect(req?.method).toBe("PUT");
    expect(req?.path).toBe("/v1/jobs");
    expect(req?.query.get("namespace")).toBe("ak");
    expect(JSON.parse(req?.body ?? "")).toEqual({
      Job: { ID: "sbx-1", Namespace: "ak", Stop: true },
      EnforceIndex: true,
      JobModifyIndex: 0,
    });
  });

  it("dispatches with base64 payload and idempotency token", async () => {
    const { fake, client } = await setup((_req, res) => reply(res, 200, { DispatchedJobID: "t/dispatch-1-aa", EvalID: "e" }));
    await client.jobs.dispatch("t", { meta: { k: "v" }, payload: Buffer.from('{"task":"hello"}') }, { idempotencyToken: "it-1" });
    expect(fake.requests[0]?.url.split("?")[0]).toBe("/v1/job/t/dispatch");
    expect(fake.requests[0]?.query.get("idempotency_token")).toBe("it-1");
    expect(JSON.parse(fake.requests[0]?.body ?? "")).toEqual({ Meta: { k: "v" }, Payload: "eyJ0YXNrIjoiaGVsbG8ifQ==" });
  });

  it("speaks HTTP over a unix socket (Task API)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ak-nomad-"));
    const fake = await startFakeNomad((_req, res) => reply(res, 200, JSON.stringify("10.0.0.1:4647")), join(dir, "api.sock"));
    const client = new NomadClient({ address: fake.address, token: TOKEN });
    try {
      const leader = await client.status.leader();
      expect(leader.data).toBe("10.0.0.1:4647");
      expect(fake.requests[0]?.headers.host).toBe("127.0.0.1");
    } finally {
      await client.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("retries", () => {
  it("retries idempotent reads on 503 and 500 No cluster leader, then succeeds", async () => {
    const answers: [number, unknown][] = [
      [503, "Service Unavailable"],
      [500, "No cluster leader"],
      [200, { ID: "x" }],
    ];
    const { fake, client } = await setup((_req, res) => {
      const [status, body] = answers.shift() ?? [500, "unexpected"];
      reply(res, status, body);
    });
    expect((await client.jobs.info("x")).data).toEqual({ ID: "x" });
    expect(fake.requests).toHaveLength(3);
  });

  it("gives up after the configured attempts with BackendUnavailableError", async () => {
    const { fake, client } = await setup((_req, res) => reply(res, 500, "No cluster leader"));
    await expect(client.allocations.list()).rejects.toThrow(BackendUnavailableError);
    expect(fake.requests).toHaveLength(3);
  });

  it("never retries a non-idempotent write", async () => {
    const { fake, client } = await setup((_req, res) => reply(res, 503, "busy"));
    await expect(client.jobs.register({ ID: "a" })).rejects.toThrow(BackendUnavailableError);
    await expect(client.jobs.deregister("a")).rejects.toThrow(BackendUnavailableError);
    await expect(client.jobs.dispatch("a", {})).rejects.toThrow(BackendUnavailableError);
    expect(fake.requests).toHaveLength(3);
  });

  it("retries purges and writes marked idempotent", async () => {
    const { fake, client } = await setup((_req, res) => reply(res, 503, "busy"));
    await expect(client.jobs.deregister("a", { purge: true })).rejects.toThrow(BackendUnavailableError);
    await expect(client.variables.write("p", { a: "b" }, { idempotent: true })).rejects.toThrow(BackendUnavailableError);
    expect(fake.requests).toHaveLength(6);
  });

  it("maps a refused connection to BackendUnavailableError naming NOMAD_ADDR", async () => {
    const started = await setup((_req, res) => reply(res, 200, []));
    const address = started.fake.address;
    await started.client.close();
    await started.fake.close();
    const client = new NomadClient({ address, token: TOKEN, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    const err = await client.jobs.list().catch((e: unknown) => e);
    await client.close();
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toMatch(/ECONNREFUSED.*NOMAD_ADDR/);
    expect(everything(err)).not.toContain(TOKEN);
  });
});

describe("timeouts and abort", () => {
  const silent: Handler = () => new Promise(() => {});

  it("times out a call that gets no answer", async () => {
    const { client } = await setup(silent, { timeoutMs: 100 });
    const err = await client.jobs.info("x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(everything(err)).not.toContain(TOKEN);
  });

  it("aborts through the caller's signal", async () => {
    const { client } = await setup(silent);
    const ac = new AbortController();
    const pending = client.jobs.info("x", { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(pending).rejects.toThrow(AbortedError);
    await expect(client.jobs.info("x", { signal: AbortSignal.abort() })).rejects.toThrow(AbortedError);
  });

  it("lets a blocking query outlive the base timeout (wait × 17/16 + 5 s)", async () => {
    const { fake, client } = await setup(
      async (req, res) => {
        if (req.query.get("index")) await new Promise((r) => setTimeout(r, 300));
        reply(res, 200, { ID: "e" }, 9);
      },
      { timeoutMs: 100 },
    );
    const res = await client.evaluations.info("e", { index: 8, waitMs: 200 });
    expect(res.meta.lastIndex).toBe(9);
    expect(fake.requests[0]?.query.get("wait")).toBe("200ms");
    expect(fake.requests[0]?.query.get("index")).toBe("8");
  });
});
