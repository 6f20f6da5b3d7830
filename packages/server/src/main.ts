/** startServer: listens (HTTP + WebSocket), enforces the no-key-no-public-bind rule, and shuts down gracefully. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { assertSupportedBackend, type Backend, InvalidInputError } from "@agentkernel/core";
import { serve } from "@hono/node-server";
import { WebSocketServer } from "ws";
import { createApp } from "./app.js";
import { type ServerLimits, resolveLimits } from "./limits.js";
import { createLogger, type Logger } from "./logger.js";
import { createMetrics, instrumentBackend } from "./metrics.js";
import type { ServerPool } from "./pool-port.js";
import { ShutdownScope } from "./shutdown.js";

/** Options of startServer. */
export interface StartServerOptions {
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** TCP port (default 18888; 0 picks a free one). */
  port?: number;
  backend: Backend;
  /** The key every route but /health requires. */
  apiKey?: string | undefined;
  /** Allow a non-loopback bind without a key. Only for networks where something else authenticates. */
  insecureNoAuth?: boolean;
  pool?: ServerPool | undefined;
  /** Default: JSON to stdout, scrubbing `apiKey` and NOMAD_TOKEN from every line. */
  logger?: Logger;
  limits?: Partial<ServerLimits>;
  /** Signals that start a graceful shutdown (the CLI passes SIGTERM and SIGINT). Default none. */
  shutdownOn?: NodeJS.Signals[];
}

/** A listening server. */
export interface RunningServer {
  /** e.g. `http://127.0.0.1:18888`. */
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish up to the grace period, aborts the rest, stops pool upkeep. */
  close(): Promise<void>;
  /** Settles once close() has finished (for whoever started it: a signal or a caller). */
  closed: Promise<void>;
  /** Requests, sockets and cleanups still in flight (0 when idle; nothing may accumulate). */
  inFlight(): number;
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) || h === "::ffff:127.0.0.1";
}

/** Starts the API server. Throws InvalidInputError for a public bind without a key (say what to set). */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const apiKey = options.apiKey?.trim() || undefined;
  if (!apiKey && !isLoopback(host) && !options.insecureNoAuth) {
    throw new InvalidInputError(
      `refusing to listen on ${host} without an API key: anyone who can reach it could run code; set AGENTKERNEL_API_KEY (or AGENTKERNEL_API_KEY_FILE), bind to 127.0.0.1, or pass --insecure-no-auth if something in front authenticates`,
    );
  }
  const logger = options.logger ?? createLogger({ secrets: [apiKey, process.env.NOMAD_TOKEN] });
  const raw = assertSupportedBackend(options.backend);
  const limits = resolveLimits(options.limits);
  const metricsHolder = createMetrics(raw, options.pool);
  const backend = instrumentBackend(raw, metricsHolder);
  const shutdown = new ShutdownScope();
  const app = createApp({ backend, pool: options.pool, logger, metrics: metricsHolder, limits, shutdown }, { apiKey });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 18888, websocket: { server: wss } }) as Server;
    s.once("error", reject);
    s.once("listening", () => {
      s.off("error", reject);
      resolve(s);
    });
  });
  // Slow-loris guards: headers within 30 s, the whole request (a big upload included) within receiveTimeoutMs.
  // Node's requestTimeout covers only receiving the request, so long execs and streams are not cut by it.
  server.headersTimeout = 30_000;
  server.requestTimeout = limits.receiveTimeoutMs;
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (!apiKey) logger.warn({ host }, "API key auth is OFF (loopback or --insecure-no-auth)");
  logger.info({ url, backend: raw.backendId, pool: options.pool !== undefined }, "agentkernel server listening");

  let closing: Promise<void> | undefined;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "shutting down");
    void close();
  };
  for (const signal of options.shutdownOn ?? []) process.on(signal, onSignal);

  async function drain(): Promise<void> {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const poolStopped = options.pool?.drain?.().catch((err: unknown) => logger.warn({ err }, "pool drain failed"));
    const grace = new Promise<"grace">((resolve) => setTimeout(() => resolve("grace"), limits.shutdownGraceMs).unref());
    const idle = (async () => {
      await stopped;
      while (wss.clients.size > 0) await new Promise((r) => setTimeout(r, 50));
    })();
    if ((await Promise.race([idle, grace])) === "grace") {
      logger.warn({ graceMs: limits.shutdownGraceMs }, "in-flight requests outlived the grace period; aborting them");
    }
    shutdown.abortAll(new Error("server shutting down"));
    for (const client of wss.clients) client.terminate();
    server.closeAllConnections();
    await Promise.all([stopped, poolStopped]);
    wss.close();
    for (const signal of options.shutdownOn ?? []) process.off(signal, onSignal);
    logger.info("agentkernel server stopped");
    logger.flush?.();
  }

  function close(): Promise<void> {
    closing ??= drain().finally(markClosed);
    return closing;
  }

  return { url, port, close, closed, inFlight: () => shutdown.size };
}
