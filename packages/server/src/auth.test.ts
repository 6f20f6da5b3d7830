// Auth over real sockets: X-API-Key and Bearer, 401s, /health open, no-key servers, the public-bind refusal and key files.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFromEnv, keysMatch, presentedKey } from "./auth.js";
import { isLoopback, startServer } from "./main.js";
import { emulator, LogCapture, nomadBackend, testServer, json } from "./test-server.js";
import { createLogger } from "./logger.js";

const KEY = "test-key-9f8e7d6c5b4a";
let nomad: Emulator;
beforeAll(async () => {
  nomad = await emulator();
});
afterAll(() => nomad.stop());

describe("with an API key", () => {
  it("requires it on every route but /health, by X-API-Key or Bearer", async () => {
    const backend = nomadBackend(nomad);
    const t = await testServer({ backend, apiKey: KEY });
    try {
      expect((await t.api("/health", { key: null })).status).toBe(200);
      for (const path of ["/sandboxes", "/ready", "/pool", "/metrics", "/openapi.json", "/sandboxes/x/files/tmp/a"]) {
        const res = await t.api(path, { key: null });
        expect(res.status, path).toBe(401);
        expect(await json(res)).toMatchObject({ success: false, error: { code: "UNAUTHORIZED" } });
      }
      const wrong = await t.api("/sandboxes", { key: `${KEY}x` });
      expect(wrong.status).toBe(401);
      expect((await json(wrong)).error.message).toMatch(/wrong API key/);
      expect((await t.api("/sandboxes")).status).toBe(200);
      const bearer = await t.api("/sandboxes", { key: null, headers: { authorization: `Bearer ${KEY}` } });
      expect(bearer.status).toBe(200);
      const basic = await t.api("/sandboxes", { key: null, headers: { authorization: `Basic ${KEY}` } });
      expect(basic.status).toBe(401);
      // A POST without the key is refused before its body is looked at.
      expect((await t.api("/run", { method: "POST", key: null, json: { command: ["true"] } })).status).toBe(401);
    } finally {
      await t.server.close();
      await backend.close?.();
    }
  });
});

describe("without an API key", () => {
  it("serves everything on loopback", async () => {
    const backend = nomadBackend(nomad);
    const t = await testServer({ backend });
    try {
      expect((await t.api("/sandboxes")).status).toBe(200);
      expect(t.logs.text).toMatch(/auth is OFF/);
    } finally {
      await t.server.close();
      await backend.close?.();
    }
  });

  it("refuses a non-loopback bind unless insecureNoAuth is given", async () => {
    const backend = nomadBackend(nomad);
    const logger = createLogger({ destination: new LogCapture() });
    await expect(startServer({ host: "0.0.0.0", port: 0, backend, logger })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/AGENTKERNEL_API_KEY/),
    });
    const open = await startServer({ host: "0.0.0.0", port: 0, backend, logger, insecureNoAuth: true });
    try {
      expect((await fetch(`http://127.0.0.1:${open.port}/sandboxes`)).status).toBe(200);
    } finally {
      await open.close();
    }
    const keyed = await startServer({ host: "0.0.0.0", port: 0, backend, logger, apiKey: KEY });
    try {
      expect((await fetch(`http://127.0.0.1:${keyed.port}/sandboxes`)).status).toBe(401);
    } finally {
      await keyed.close();
      await backend.close?.();
    }
  });
});

describe("helpers", () => {
  it("compares keys in constant time and reads the presented key", () => {
    expect(keysMatch("abc", "abc")).toBe(true);
    expect(keysMatch("abc", "abcd")).toBe(false);
    expect(presentedKey(new Headers({ authorization: "bearer  tok" }))).toBe("tok");
    expect(presentedKey(new Headers({ "x-api-key": "k", authorization: "Bearer other" }))).toBe("k");
    expect(presentedKey(new Headers())).toBeUndefined();
  });

  it("knows loopback addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]) expect(isLoopback(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.1", "example.com"]) expect(isLoopback(h), h).toBe(false);
  });

  it("reads AGENTKERNEL_API_KEY or the first line of AGENTKERNEL_API_KEY_FILE", () => {
    const dir = mkdtempSync(join(tmpdir(), "ak-auth-"));
    try {
      const file = join(dir, "key");
      writeFileSync(file, "\n  from-file-key  \nsecond\n");
      expect(apiKeyFromEnv({ AGENTKERNEL_API_KEY_FILE: file })).toBe("from-file-key");
      expect(apiKeyFromEnv({ AGENTKERNEL_API_KEY: " env-key " })).toBe("env-key");
      expect(apiKeyFromEnv({})).toBeUndefined();
      expect(() => apiKeyFromEnv({ AGENTKERNEL_API_KEY: "a", AGENTKERNEL_API_KEY_FILE: file })).toThrow(/both set/);
      writeFileSync(file, "\n\n");
      expect(() => apiKeyFromEnv({ AGENTKERNEL_API_KEY_FILE: file })).toThrow(/is empty/);
      expect(() => apiKeyFromEnv({ AGENTKERNEL_API_KEY_FILE: join(dir, "missing") })).toThrow(/cannot read the API key file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
