// Graceful shutdown: in-flight execs finish, new connections are refused, stragglers are aborted after the grace period.
import type { Backend } from "@agentkernel/core";
import type { Emulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anySignal, ShutdownScope } from "./shutdown.js";
import { emulator, json, nomadBackend, testServer } from "./test-server.js";

let nomad: Emulator;
let backend: Backend;

beforeAll(async () => {
  nomad = await emulator();
  backend = nomadBackend(nomad);
  await backend.create({ name: "drain" });
  await backend.start("drain");
});
afterAll(async () => {
  await backend.remove("drain");
  await backend.close?.();
  await nomad.stop();
});

/** Waits until the server reports `n` commands running (so a request is surely in flight). */
async function inFlight(api: (p: string) => Promise<Response>, n: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (new RegExp(`^agentkernel_execs_in_flight ${n}$`, "m").test(await (await api("/metrics")).text())) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never saw ${n} execs in flight`);
}

describe("in-flight tracking", () => {
  it("forgets every request, stream and socket once it ends", async () => {
    const t = await testServer({ backend });
    try {
      await t.api("/health");
      await t.api("/sandboxes/drain/exec", { method: "POST", json: { command: ["true"] } });
      await (await t.api("/run/stream", { method: "POST", json: { command: ["echo", "x"] } })).text();
      await t.api("/sandboxes/nope");
      for (let i = 0; i < 200 && t.server.inFlight() > 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(t.server.inFlight()).toBe(0);
    } finally {
      await t.server.close();
    }
  });
});

describe("ShutdownScope", () => {
  it("aborts live links, forgets released ones, and hands out aborted links afterwards", () => {
    const scope = new ShutdownScope();
    const done = scope.link();
    const live = scope.link();
    done.release();
    expect(scope.size).toBe(1);
    scope.abortAll(new Error("bye"));
    expect(live.signal.aborted).toBe(true);
    expect(done.signal.aborted).toBe(false);
    expect(scope.link().signal.aborted).toBe(true);
    expect(scope.size).toBe(0);
  });
});

describe("anySignal", () => {
  it("aborts with the first source's reason and detaches from every source", () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = anySignal([a.signal, b.signal]);
    b.abort(new Error("b first"));
    expect(linked.signal.aborted).toBe(true);
    expect((linked.signal.reason as Error).message).toBe("b first");
    a.abort(new Error("later"));
    expect((linked.signal.reason as Error).message).toBe("b first");
    const early = anySignal([b.signal]);
    expect(early.signal.aborted).toBe(true);
    const disposed = anySignal([new AbortController().signal]);
    disposed.dispose();
    expect(disposed.signal.aborted).toBe(false);
  });
});

describe("close()", () => {
  it("lets an in-flight exec finish and refuses new connections", async () => {
    const t = await testServer({ backend, limits: { shutdownGraceMs: 20_000 } });
    const pending = t.api("/sandboxes/drain/exec", {
      method: "POST",
      json: { command: ["sh", "-c", "while [ ! -e /tmp/finish ]; do sleep 0.05; done; echo finished"] },
    });
    await inFlight((p) => t.api(p), 1);
    const closing = t.server.close();
    await expect(fetch(`${t.server.url}/health`)).rejects.toThrow();
    // Released from outside the server: the exec completes normally even though shutdown has begun.
    await backend.writeFile("drain", "/tmp/finish", "");
    const res = await pending;
    expect(res.status).toBe(200);
    expect((await json(res)).data.stdout).toBe("finished\n");
    await closing;
    expect(t.logs.text).toContain("agentkernel server stopped");
    await backend.exec("drain", { command: ["rm", "-f", "/tmp/finish"] }).then((s) => s.exit);
  });

  it("aborts what outlives the grace period (the command is ended, the client gets an answer)", async () => {
    const t = await testServer({ backend, limits: { shutdownGraceMs: 300 } });
    const pending = t.api("/sandboxes/drain/exec", { method: "POST", json: { command: ["sleep", "60"] } }).then(
      (res) => res.status,
      () => "connection closed",
    );
    await inFlight((p) => t.api(p), 1);
    await t.server.close();
    expect([503, "connection closed"]).toContain(await pending);
    expect(t.logs.text).toContain("outlived the grace period");
    // The sleep was ended inside the sandbox, not left running.
    const ps = await backend.exec("drain", { command: ["sh", "-c", "ps -o args 2>/dev/null || ps"] });
    const out = await new Promise<string>((resolve) => {
      let text = "";
      ps.stdout.on("data", (c: Buffer) => {
        text += c.toString();
      });
      ps.stdout.on("end", () => resolve(text));
    });
    expect(out).not.toMatch(/sleep 60/);
  });
});
