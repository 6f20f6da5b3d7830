/** A TCP proxy in front of the emulator that knows which connections carried an exec WebSocket and whether they closed. */
import { connect, createServer, type Socket } from "node:net";

/** A running proxy; `address` replaces the emulator's address for the client under test. */
export interface CountingProxy {
  address: string;
  /** Client connections still open that upgraded to a WebSocket (exec sessions). */
  openWebSockets(): number;
  /** All client connections still open (HTTP keep-alive included). */
  openConnections(): number;
  close(): Promise<void>;
}

/** Proxies 127.0.0.1:<random> → `target` (an http://host:port address). */
export async function countingProxy(target: string): Promise<CountingProxy> {
  const { hostname, port } = new URL(target);
  const open = new Map<Socket, { ws: boolean }>();
  const server = createServer((client) => {
    const state = { ws: false };
    open.set(client, state);
    const upstream = connect(Number(port), hostname);
    client.once("data", (first: Buffer) => {
      if (/^upgrade:\s*websocket/im.test(first.toString("latin1"))) state.ws = true;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const done = () => {
      open.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", done);
    upstream.on("close", done);
    client.on("error", done);
    upstream.on("error", done);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address() as { port: number };
  return {
    address: `http://127.0.0.1:${address.port}`,
    openWebSockets: () => [...open.values()].filter((s) => s.ws).length,
    openConnections: () => open.size,
    close: async () => {
      for (const s of open.keys()) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
