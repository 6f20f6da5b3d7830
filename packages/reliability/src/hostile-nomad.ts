/** Fake Nomad agents that misbehave: garbage/wrong-typed/truncated answers, and a TCP server that accepts and never answers. */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";

/** A listening fake with its address and the sockets it saw; `close()` destroys them all. */
export interface FakeNomad {
  address: string;
  /** Sockets currently open on the server side. */
  openSockets(): number;
  close(): Promise<void>;
}

/** An HTTP "Nomad" whose every answer comes from `respond`. */
export async function hostileHttpNomad(respond: (req: IncomingMessage, res: ServerResponse) => void): Promise<FakeNomad> {
  const sockets = new Set<Socket>();
  const server = createHttpServer((req, res) => {
    req.resume();
    respond(req, res);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  // Upgrades (exec WebSockets) get garbage bytes, then the socket is dropped.
  server.on("upgrade", (_req, socket) => {
    socket.end("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05garbage");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    address: `http://127.0.0.1:${port}`,
    openSockets: () => sockets.size,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A TCP server that accepts connections and never says a word: the "Nomad that never answers". */
export async function silentNomad(): Promise<FakeNomad> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((s) => {
    sockets.add(s);
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    address: `http://127.0.0.1:${port}`,
    openSockets: () => sockets.size,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Waits up to `ms` for `fn()` to become true (sockets close asynchronously). */
export async function eventually(fn: () => boolean, ms = 5_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!fn() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  return fn();
}
