// The built `agentkernel serve` as a child process: health, auth, SIGTERM, and a public bind refused without a key.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempHome } from "../services/test-context.js";
import { assertBuilt, BIN, cli } from "./test-cli.js";

let home: ReturnType<typeof tempHome>;
const KEY = "serve-e2e-key-0123456789abcdef";

beforeAll(() => {
  assertBuilt();
  home = tempHome();
});
afterAll(() => home?.cleanup());

describe("agentkernel serve", () => {
  it("serves /health openly, requires the API key elsewhere, and exits cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--backend", "local"], {
      cwd: home.dir,
      env: { ...home.env, AGENTKERNEL_API_KEY: KEY },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 60_000);
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
        const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once("exit", (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await fetch(`${url}/sandboxes`)).status).toBe(401);
      const listed = await fetch(`${url}/sandboxes`, { headers: { "X-API-Key": KEY } });
      expect(listed.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(stderr).not.toContain(KEY);
  });

  it("refuses a non-loopback bind without an API key (usage error, exit 2)", async () => {
    const r = await cli(["serve", "--host", "0.0.0.0", "--port", "0", "--backend", "local"], {
      cwd: home.dir,
      env: { ...home.env, AGENTKERNEL_API_KEY: "" },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/key/i);
  });
});
