// R1 through the server (HTTP): hostile names, paths, argv, env and malformed/huge bodies → clear 4xx or a correct result.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BAD_ENV_NAMES, BAD_NAMES, hostileArgs, roundTripPaths } from "./r1-corpus.js";
import {
  type Backend,
  type Emulator,
  emulator,
  nomadBackend,
  type TestServer,
  tempDir,
  testServer,
} from "./reliability-harness.js";
import { report } from "./reliability-scale.js";

let nomad: Emulator;
let backend: Backend;
let srv: TestServer;
let markers: ReturnType<typeof tempDir>;
let marker: string;
const BOX = "r1-server";
let cases = 0;

/** Expects a 4xx JSON error with a code and a message; counts the case. */
async function clientError(res: Response, what: string, status?: number): Promise<void> {
  cases++;
  const text = await res.text();
  expect(res.status, `${what}: ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${what}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (status !== undefined) expect(res.status, what).toBe(status);
  const body = JSON.parse(text) as { success: boolean; error: { code: string; message: string } };
  expect(body.success).toBe(false);
  expect(body.error.code).toMatch(/^[A-Z_]+$/);
  expect(body.error.message.length).toBeGreaterThan(5);
}

const raw = (path: string, init: RequestInit) => srv.api(path, init);

beforeAll(async () => {
  markers = tempDir("marker");
  marker = join(markers.dir, "pwned");
  nomad = await emulator();
  backend = nomadBackend(nomad.address);
  srv = await testServer({ backend, apiKey: "r1-key-0123456789" });
  const created = await srv.api("/sandboxes", { method: "POST", json: { name: BOX } });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await backend?.remove(BOX).catch(() => undefined);
  await srv?.server.close();
  await backend?.close?.();
  await nomad?.stop();
  const leaked = markers ? readdirSync(markers.dir) : [];
  markers?.cleanup();
  report("R1 server", { cases, markerFiles: leaked.length });
  expect(leaked).toEqual([]);
});

describe("R1 hostile corpus through the server", () => {
  it("refuses bad sandbox names in bodies and in the URL", async () => {
    for (const name of BAD_NAMES) {
      await clientError(await srv.api("/sandboxes", { method: "POST", json: { name } }), `create ${JSON.stringify(name)}`);
      if (name !== "" && !name.includes("/")) {
        await clientError(await srv.api(`/sandboxes/${encodeURIComponent(name)}`), `get ${JSON.stringify(name)}`);
      }
    }
  });

  it("round-trips hostile but legal file paths and refuses traversal", async () => {
    const problems: string[] = [];
    // Includes a path with "\n" (the files route once used `:path{.+}`, which does not match a newline).
    const paths = roundTripPaths(marker);
    for (const path of paths) {
      cases++;
      const url = `/sandboxes/${BOX}/files${path.split("/").map(encodeURIComponent).join("/")}`;
      const put = await srv.api(url, { method: "PUT", json: { content: `hi ${path}`, encoding: "utf8" } });
      if (put.status !== 200) {
        problems.push(`PUT ${JSON.stringify(path)} → ${put.status} ${(await put.text()).slice(0, 200)}`);
        continue;
      }
      const got = (await (await srv.api(url)).json()) as { data?: { content: string } };
      if (got.data?.content !== `hi ${path}`) problems.push(`GET ${JSON.stringify(path)} → ${JSON.stringify(got).slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
    for (const bad of ["/..%2F..%2Fetc%2Fpasswd", "/tmp/%2E%2E/etc/passwd", `/${"x".repeat(4100)}`]) {
      await clientError(await srv.api(`/sandboxes/${BOX}/files${bad}`, { method: "PUT", json: { content: "x" } }), bad);
    }
  });

  it("passes metacharacters in argv and env through literally", async () => {
    for (const arg of hostileArgs(marker)) {
      cases++;
      const res = await srv.api(`/sandboxes/${BOX}/exec`, { method: "POST", json: { command: ["printf", "%s", arg] } });
      const body = (await res.json()) as { data: { exit_code: number; stdout: string } };
      expect(res.status).toBe(200);
      expect(body.data).toMatchObject({ exit_code: 0, stdout: arg });
    }
    for (const key of BAD_ENV_NAMES) {
      await clientError(
        await srv.api(`/sandboxes/${BOX}/exec`, { method: "POST", json: { command: ["true"], env: { [key]: "v" } } }),
        `env ${JSON.stringify(key)}`,
      );
    }
  });

  it("answers malformed, wrong-typed and huge bodies with 4xx, and keeps serving", async () => {
    const exec = `/sandboxes/${BOX}/exec`;
    const json = { "content-type": "application/json" };
    const bodies: [string, string][] = [
      ["truncated JSON", "{"],
      ["null", "null"],
      ["array", "[]"],
      ["string command", '{"command":"id"}'],
      ["empty command", '{"command":[]}'],
      ["number in argv", '{"command":[1]}'],
      ["unknown field", '{"command":["true"],"shell":true}'],
      ["deep nesting", `${"[".repeat(100_000)}${"]".repeat(100_000)}`],
      ["negative timeout", '{"command":["true"],"timeout_ms":-5}'],
      ["NUL in argv", '{"command":["echo","a\\u0000b"]}'],
    ];
    for (const [what, body] of bodies) await clientError(await raw(exec, { method: "POST", headers: json, body }), what);
    await clientError(await raw(exec, { method: "POST", headers: { "content-type": "text/plain" }, body: "id" }), "text/plain");
    const huge = JSON.stringify({ command: ["true"], stdin: "x".repeat(17 * 1024 * 1024) });
    await clientError(await raw(exec, { method: "POST", headers: json, body: huge }), "17 MiB body", 413);
    await clientError(
      await raw("/sandboxes", { method: "POST", headers: json, body: '{"name":"ok-name","resources":{"memoryMB":"lots"}}' }),
      "wrong type",
    );
    await clientError(await srv.api("/sandboxes", { method: "POST", json: { name: "r1-nokey" }, key: null }), "no key", 401);
    const health = await srv.api("/health");
    expect(health.status).toBe(200);
  });
});
