/** Shared fixtures: an emulator, a Nomad backend on it, a server with captured logs, and temp dirs, all cleaned up. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createNomadBackend, type NomadBackendOptions } from "@agentkernel/backend-nomad";
import type { Backend } from "@agentkernel/core";
import { type Emulator, type EmulatorOptions, startEmulator } from "@agentkernel/nomad-emulator";
import { createLogger, type RunningServer, type StartServerOptions, startServer } from "@agentkernel/server";

/** An emulator that kills tasks fast on stop (tests need not wait for KillTimeout). */
export function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ port: 0, maxKillTimeoutMs: 200, ...options });
}

/**
 * A Nomad backend on `address`. The exec driver runs tasks under bubblewrap in the emulator (host root
 * read-only), so a command that escaped to the host is the only way a host marker file can appear.
 */
export function nomadBackend(address: string, extra: Partial<NomadBackendOptions> = {}): Backend {
  return createNomadBackend({
    config: { address },
    env: {},
    driver: { driver: "exec" },
    blockingWaitMs: 2_000,
    startTimeoutMs: 30_000,
    onWarning: () => undefined,
    ...extra,
  });
}

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

/** A listening server (127.0.0.1:0) with its captured logs and a fetch helper that sends the key. */
export interface TestServer {
  server: RunningServer;
  logs: LogCapture;
  api(path: string, init?: RequestInit & { json?: unknown; key?: string | null }): Promise<Response>;
}

/** Starts a server whose log lines (debug level) land in memory. */
export async function testServer(
  options: Omit<StartServerOptions, "logger" | "port">,
  secrets: string[] = [],
): Promise<TestServer> {
  const logs = new LogCapture();
  const logger = createLogger({ destination: logs, level: "debug", secrets: [options.apiKey, ...secrets] });
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

/** A temp dir removed by `cleanup()`. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `agentkernel-rel-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Polls `fn` until it returns a truthy value (generous timeout: the machine is shared). */
export async function waitUntil<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type { Backend, Emulator };
