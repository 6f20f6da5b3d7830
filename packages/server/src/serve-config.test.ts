// startServerFromConfig: the key from server.api_key_file, host/port from the config or flags, and no pool without a provider.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalBackend } from "@agentkernel/backend-local";
import { type Backend, configSchema } from "@agentkernel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";
import { startServerFromConfig } from "./serve-config.js";
import { json, LogCapture } from "./test-server.js";

let dir: string;
let backend: Backend;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ak-serve-config-"));
  backend = createLocalBackend({ stateDir: join(dir, "state"), logger: () => {} });
});
afterAll(async () => {
  await backend.close?.();
  await rm(dir, { recursive: true, force: true });
});

describe("startServerFromConfig", () => {
  it("reads the key file, binds where the config says, and runs without a pool when the backend has none", async () => {
    const keyFile = join(dir, "key");
    await writeFile(keyFile, "file-key-0123456789\n");
    const logs = new LogCapture();
    const config = configSchema.parse({
      server: { port: 0, api_key_file: keyFile },
      orchestrator: { warm_pool_images: ["alpine:3.20"] },
    });
    const server = await startServerFromConfig({ config, backend, logger: createLogger({ destination: logs }) });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${server.url}/pool`)).status).toBe(401);
      const pool = await fetch(`${server.url}/pool`, { headers: { "x-api-key": "file-key-0123456789" } });
      expect(await json(pool)).toEqual({ success: true, data: { enabled: false } });
    } finally {
      await server.close();
    }
  });

  it("lets flags override the config and still refuses a public bind without a key", async () => {
    const config = configSchema.parse({ server: { host: "127.0.0.1", port: 0 } });
    const logger = createLogger({ destination: new LogCapture() });
    await expect(startServerFromConfig({ config, backend, logger, host: "0.0.0.0" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    const open = await startServerFromConfig({ config, backend, logger, host: "0.0.0.0", port: 0, insecureNoAuth: true });
    try {
      expect(open.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      expect((await fetch(`http://127.0.0.1:${open.port}/health`)).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
