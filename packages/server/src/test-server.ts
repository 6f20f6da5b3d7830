// Test fixtures: a real listening server over the nomad emulator (or another backend), with every log line captured.
import { Writable } from "node:stream";
import type { Backend } from "@agentkernel/core";
import { createNomadBackend } from "@agentkernel/backend-nomad";
import { type Emulator, type EmulatorOptions, startEmulator } from "@agentkernel/nomad-emulator";
import { createLogger } from "./logger.js";
import { type RunningServer, type StartServerOptions, startServer } from "./main.js";

/** Collects log lines in memory. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    cb();
  }
  get text(): string {
    return this.lines.join("\n");
  }
}

/** A running emulator. */
export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ port: 0, maxKillTimeoutMs: 200, ...options });
}

/** A nomad backend pointed at `nomad`. */
export function nomadBackend(nomad: Emulator, token?: string): Backend {
  return createNomadBackend({
    config: { address: nomad.address, ...(token ? { token } : {}) },
    env: {},
    driver: { driver: "exec" },
    blockingWaitMs: 2_000,
    startTimeoutMs: 20_000,
  });
}

/** A started server plus its captured logs and a fetch helper that sends the key. */
export interface TestServer {
  server: RunningServer;
  logs: LogCapture;
  api(path: string, init?: RequestInit & { json?: unknown; key?: string | null }): Promise<Response>;
}

/** Starts a server on 127.0.0.1:0 with captured logs. */
export async function testServer(
  options: Omit<StartServerOptions, "logger" | "port"> & { secrets?: string[] },
): Promise<TestServer> {
  const logs = new LogCapture();
  const logger = createLogger({ destination: logs, level: "debug", secrets: [options.apiKey, ...(options.secrets ?? [])] });
  const server = await startServer({ host: "127.0.0.1", ...options, port: 0, logger });
  const api: TestServer["api"] = (path, init = {}) => {
    const { json, key, ...rest } = init;
    const headers = new Headers(rest.headers);
    const sendKey = key === undefined ? options.apiKey : key;
    if (sendKey) headers.set("x-api-key", sendKey);
    if (json !== undefined) headers.set("content-type", "application/json");
    return fetch(`${server.url}${path}`, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
  };
  return { server, logs, api };
}

/** Reads an SSE response into `{ event, data }` records as they arrive. */
export async function readSse(res: Response): Promise<{ event: string; data: unknown }[]> {
  const events: { event: string; data: unknown }[] = [];
  const text = await res.text();
  for (const block of text.split("\n\n")) {
    const lines = block.split("\n").filter((l) => !l.startsWith(":"));
    const event = lines.find((l) => l.startsWith("event: "))?.slice(7);
    const data = lines
      .filter((l) => l.startsWith("data: "))
      .map((l) => l.slice(6))
      .join("\n");
    if (event) events.push({ event, data: data ? JSON.parse(data) : undefined });
  }
  return events;
}

/**
 * A parsed JSON body for assertions (tests only): the fields the API returns, each again JSON, so a test can walk
 * `body.data.stdout` and hand it to expect(), which checks the real value.
 */
export interface Json {
  readonly success: Json;
  readonly data: Json;
  readonly error: Json;
  readonly code: Json;
  readonly message: Json;
  readonly name: Json;
  readonly status: Json;
  readonly stdout: Json;
  readonly stderr: Json;
  readonly exit_code: Json;
  readonly content: Json;
  readonly results: Json;
  readonly sandbox: Json;
  readonly warm: Json;
  readonly stats: Json;
  readonly hits: Json;
  readonly misses: Json;
  map<T>(fn: (item: Json) => T): T[];
}

/** The parsed body of `res`. */
export async function json(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}
