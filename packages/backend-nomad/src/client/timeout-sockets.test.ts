// A Nomad that accepts connections and never answers: timed-out and aborted calls must close their sockets.
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { AbortedError, TimeoutError } from "@agentkernel/core";
import { afterEach, describe, expect, it } from "vitest";
import { NomadClient } from "./nomad-client.js";

interface Silent {
  address: string;
  open(): number;
  close(): Promise<void>;
}

// Accepts TCP connections and never answers; with `read` it drains and ignores every byte, else it never reads
// (like a hung agent: it then sees only a reset, not a FIN). Counts the sockets still open.
async function silentServer(read = true): Promise<Silent> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
    if (read) s.resume();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    open: () => sockets.size,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

// Polls until `check` holds or 3 s pass (sockets close asynchronously on the server side).
async function eventually(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 60; i++) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

let silent: Silent | undefined;
let client: NomadClient | undefined;

afterEach(async () => {
  await client?.close();
  await silent?.close();
  client = undefined;
  silent = undefined;
});

describe("connections of calls that get no answer", { timeout: 15_000 }, () => {
  it("closes the socket of every timed-out call without waiting for close()", async () => {
    silent = await silentServer();
    client = new NomadClient({ address: silent.address, timeoutMs: 150, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    for (let i = 0; i < 5; i++) {
      await expect(client.jobs.info("x")).rejects.toBeInstanceOf(TimeoutError);
    }
    expect(await eventually(() => silent?.open() === 0)).toBe(true);
  });

  it("resets timed-out connections, so a server that never reads drops them too", async () => {
    silent = await silentServer(false);
    client = new NomadClient({ address: silent.address, timeoutMs: 150, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    for (let i = 0; i < 3; i++) {
      await expect(client.jobs.list()).rejects.toBeInstanceOf(TimeoutError);
    }
    expect(await eventually(() => silent?.open() === 0)).toBe(true);
  });

  it("closes the socket of a call the caller aborts", async () => {
    silent = await silentServer();
    client = new NomadClient({ address: silent.address, timeoutMs: 60_000 });
    const controller = new AbortController();
    const call = client.jobs.list({ signal: controller.signal });
    expect(await eventually(() => silent?.open() === 1)).toBe(true);
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(AbortedError);
    expect(await eventually(() => silent?.open() === 0)).toBe(true);
  });

  it("close() destroys connections whose calls are still pending, and those calls reject", async () => {
    silent = await silentServer();
    client = new NomadClient({ address: silent.address, timeoutMs: 60_000 });
    const calls = [client.jobs.list(), client.jobs.info("a"), client.status.leader()].map((p) =>
      p.then(
        () => "resolved",
        () => "rejected",
      ),
    );
    expect(await eventually(() => silent?.open() === 3)).toBe(true);
    await client.close();
    expect(await Promise.all(calls)).toEqual(["rejected", "rejected", "rejected"]);
    expect(await eventually(() => silent?.open() === 0)).toBe(true);
  });
});
