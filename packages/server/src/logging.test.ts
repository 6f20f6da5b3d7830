// Every log line is captured while requests carry the API key and the backend uses a Nomad ACL token: neither appears.
import type { Backend } from "@agentkernel/core";
import type { Emulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, scrubSecrets } from "./logger.js";
import { emulator, json, LogCapture, nomadBackend, readSse, type TestServer, testServer } from "./test-server.js";

const API_KEY = "ak-live-5ecret-api-key-7f3a9c";
let nomad: Emulator;
let token: string;
let backend: Backend;
let readOnly: Backend;
let t: TestServer;
let r: TestServer;

beforeAll(async () => {
  nomad = await emulator({ acl: { enabled: true } });
  token = nomad.managementToken ?? "";
  expect(token.length).toBeGreaterThan(8);
  backend = nomadBackend(nomad, token);
  const reader = nomad.createToken({ policies: [{ namespace: "*", policy: "read" }], name: "reader" });
  readOnly = nomadBackend(nomad, reader.SecretID);
  t = await testServer({ backend, apiKey: API_KEY, secrets: [token] });
  r = await testServer({ backend: readOnly, apiKey: API_KEY, secrets: [token, reader.SecretID] });
});
afterAll(async () => {
  await t.server.close();
  await r.server.close();
  await backend.close?.();
  await readOnly.close?.();
  await nomad.stop();
});

describe("logs never hold secrets", () => {
  it("across successes, auth failures, backend errors and streams", async () => {
    expect((await t.api("/sandboxes", { method: "POST", json: { name: "logged", env: { NOMAD_TOKEN: token } } })).status).toBe(
      201,
    );
    await t.api("/sandboxes/logged/exec", { method: "POST", json: { command: ["sh", "-c", "echo $0", API_KEY] } });
    await t.api("/sandboxes", { key: null, headers: { authorization: `Bearer ${API_KEY}` } });
    await t.api("/sandboxes", { key: `${API_KEY}-wrong` });
    await t.api("/sandboxes", { key: null, headers: { "x-api-key": API_KEY.slice(0, -1) } });
    await t.api("/sandboxes/ghost");
    await readSse(await t.api("/run/stream", { method: "POST", json: { command: ["echo", token] } }));
    await t.api("/sandboxes", { method: "POST", json: { name: API_KEY.toLowerCase().replace(/[^a-z0-9-]/g, "-") } });
    // The read-only token cannot register jobs: a 403 from Nomad, mapped by the one table.
    const denied = await r.api("/sandboxes", { method: "POST", json: { name: "denied" } });
    expect(denied.status).toBe(403);
    expect((await json(denied)).error.code).toBe("PERMISSION_DENIED");
    await t.api("/sandboxes/logged", { method: "DELETE" });

    for (const s of [t, r]) {
      expect(s.logs.lines.length).toBeGreaterThan(2);
      expect(s.logs.text).not.toContain(API_KEY);
      expect(s.logs.text).not.toContain(token);
      // Each line is one JSON object with a request id on request lines.
      for (const line of s.logs.lines) expect(() => JSON.parse(line)).not.toThrow();
    }
    expect(t.logs.lines.length).toBeGreaterThan(10);
    expect(t.logs.lines.filter((l) => l.includes('"msg":"request"')).every((l) => l.includes('"reqId"'))).toBe(true);
  });

  it("redacts credential fields and scrubs secret values that slip into messages", () => {
    const capture = new LogCapture();
    const logger = createLogger({ destination: capture, secrets: ["s3cr3t-value", 'quo"te-secret'] });
    logger.info({ headers: { authorization: "Bearer abc-header", "x-api-key": "abc-key" }, apiKey: "abc-field" }, "hello");
    logger.error({ err: new Error("failed with s3cr3t-value inside") }, 'and quo"te-secret in the message');
    logger.flush();
    expect(capture.text).not.toMatch(/abc-header|abc-key|abc-field|s3cr3t-value|quo\\"te-secret/);
    expect(capture.text).toContain("<redacted>");
    expect(scrubSecrets("a-b-a", ["b"])).toBe("a-<redacted>-a");
  });

  it("echoes a caller's plain X-Request-Id and replaces a forged one", async () => {
    const plain = await t.api("/health", { headers: { "x-request-id": "trace-123" } });
    expect(plain.headers.get("x-request-id")).toBe("trace-123");
    const forged = await t.api("/health", { headers: { "x-request-id": 'x"} {"level":60' } });
    expect(forged.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
