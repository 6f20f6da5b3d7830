// Test helper: a real node:http (and ws) server on port 0 that plays back recorded Nomad answers and records requests.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterEach } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import type { NomadClientConfig } from "./config.js";
import { NomadClient } from "./nomad-client.js";

/** One request as the fake saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Handler = (req: SeenRequest, res: ServerResponse) => void | Promise<void>;

/** A running fake: `address` for the client, `requests` in arrival order. */
export interface FakeNomad {
  address: string;
  requests: SeenRequest[];
  server: Server;
  /** Set to accept exec WebSocket upgrades. */
  onExec?: (ws: WebSocket, req: SeenRequest) => void;
  /** Set to refuse upgrades with a plain HTTP answer, as Nomad 1.x does for a bad `command`. */
  refuseUpgrade?: { status: number; body: string };
  close(): Promise<void>;
}

/** Writes a Nomad-style answer: JSON or plain text, with the X-Nomad-* query headers. */
export function reply(res: ServerResponse, status: number, body: unknown, index = 1, extra: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json",
    "x-nomad-index": String(index),
    "x-nomad-knownleader": "true",
    "x-nomad-lastcontact": "0",
    ...extra,
  });
  res.end(text);
}

/** Starts a fake on 127.0.0.1:0 (or on `socketPath`). */
export async function startFakeNomad(handler: Handler, socketPath?: string): Promise<FakeNomad> {
  const requests: SeenRequest[] = [];
  const see = async (req: IncomingMessage, withBody: boolean): Promise<SeenRequest> => {
    const chunks: Buffer[] = [];
    if (withBody) for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://x");
    return {
      method: req.method ?? "",
      url: req.url ?? "",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
  };
  const server = createServer(async (req, res) => {
    const seen = await see(req, true);
    requests.push(seen);
    try {
      await handler(seen, res);
    } catch (err) {
      if (!res.headersSent) reply(res, 599, String(err));
    }
  });
  const wss = new WebSocketServer({ noServer: true });
  const fake: FakeNomad = {
    address: "",
    requests,
    server,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
  server.on("upgrade", async (req, socket, head) => {
    const seen = await see(req, false);
    requests.push(seen);
    if (fake.refuseUpgrade) {
      const { status, body } = fake.refuseUpgrade;
      socket.end(
        `HTTP/1.1 ${status} Error\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => fake.onExec?.(ws, seen));
  });
  if (socketPath) server.listen(socketPath);
  else server.listen(0, "127.0.0.1");
  await once(server, "listening");
  fake.address = socketPath ? `unix://${socketPath}` : `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** A token-shaped secret the client tests look for in every error and log (it must never appear). */
export const TEST_TOKEN = "5ec2e7a1-7c1d-4c8e-9f00-tok3n5ecret99";

/**
 * For a test file: `setup(handler, extra?)` starts a fake Nomad and a client on it (token set, fast retries); both
 * are closed after each test.
 */
export function useFakeNomadClient(): (
  handler: Handler,
  extra?: Partial<NomadClientConfig>,
) => Promise<{ fake: FakeNomad; client: NomadClient }> {
  let fake: FakeNomad | undefined;
  let client: NomadClient | undefined;
  afterEach(async () => {
    await client?.close();
    await fake?.close();
    client = undefined;
    fake = undefined;
  });
  return async (handler, extra = {}) => {
    fake = await startFakeNomad(handler);
    client = new NomadClient({
      address: fake.address,
      token: TEST_TOKEN,
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      ...extra,
    });
    return { fake, client };
  };
}

/** Everything an error exposes: message, cause chain, inspect output and JSON. */
export function everything(err: unknown): string {
  return `${inspect(err, { depth: 10, showHidden: true })}\n${JSON.stringify(err)}\n${String(err)}`;
}
