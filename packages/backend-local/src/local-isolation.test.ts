/** Isolation is real: network off blocks loopback connects, writes outside the sandbox's own dirs fail, limits and caps hold. */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Backend, collectExec, type ExecResult, hasErrorCode } from "@agentkernel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalBackend } from "./index.js";

const repoDir = fileURLToPath(new URL("../../..", import.meta.url));

describe("local backend isolation (real bwrap)", () => {
  let stateDir = "";
  let backend: Backend;
  let server: Server;
  let port = 0;
  let connections = 0;
  const run = async (name: string, command: string[]): Promise<ExecResult> => collectExec(await backend.exec(name, { command }));

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "ak-local-iso-"));
    backend = createLocalBackend({ stateDir, logger: () => {} });
    server = createServer((socket) => {
      connections += 1;
      socket.end("hello from the host\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
    await backend.create({ name: "iso-a" });
    await backend.create({ name: "iso-b" });
    await backend.create({ name: "iso-net", network: true });
    await Promise.all([backend.start("iso-a"), backend.start("iso-b"), backend.start("iso-net")]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(["iso-a", "iso-b", "iso-net", "iso-mem", "iso-dead"].map((n) => backend.remove(n)));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  const connect = [
    "python3",
    "-c",
    "import socket,sys; s=socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=5); print(s.recv(100).decode().strip())",
  ];

  it("network off: a connect to a listening host loopback port fails; network on: it works", async () => {
    const blocked = await run("iso-a", [...connect, String(port)]);
    expect(blocked.exitCode).not.toBe(0);
    expect(blocked.stderr.toString()).toMatch(/Connection refused|Network is unreachable|timed out/);
    expect(connections).toBe(0);
    const open = await run("iso-net", [...connect, String(port)]);
    expect(open.stderr.toString()).toBe("");
    expect(open.stdout.toString()).toBe("hello from the host\n");
    expect(connections).toBe(1);
  }, 30_000);

  it("cannot write outside its own dirs: host /etc, the repo, another sandbox's dirs, the host's /tmp", async () => {
    const marker = `ak-marker-${randomBytes(4).toString("hex")}`;
    const otherRoot = join(stateDir, "iso-b", "root", "workspace");
    const targets = [
      `/etc/${marker}`,
      join(repoDir, marker),
      join(otherRoot, marker),
      join(stateDir, marker),
      `/usr/${marker}`,
      `/${marker}`,
    ];
    for (const target of targets) {
      const result = await run("iso-a", ["sh", "-c", 'printf x > "$1"', "sh", target]);
      expect(result.exitCode, `writing ${target} from the sandbox`).not.toBe(0);
      expect(existsSync(target), `${target} on the host`).toBe(false);
    }
    // The sandbox's /tmp is private: a write succeeds there but never reaches the host's /tmp.
    expect((await run("iso-a", ["sh", "-c", 'printf x > "/tmp/$1"', "sh", marker])).exitCode).toBe(0);
    expect(existsSync(join("/tmp", marker))).toBe(false);
    expect(existsSync(join(stateDir, "iso-a", "root", "tmp", marker))).toBe(true);
    // Sandbox b does not see a's files.
    expect((await run("iso-b", ["cat", `/tmp/${marker}`])).exitCode).not.toBe(0);
    const denied = await backend.writeFile("iso-a", `/etc/${marker}`, "x").catch((error: unknown) => error);
    expect(hasErrorCode(denied, "PERMISSION_DENIED"), String(denied)).toBe(true);
  }, 30_000);

  it("runs with no capabilities, no_new_privs, in its own pid namespace, and cannot see the state dir", async () => {
    const status = (await run("iso-a", ["cat", "/proc/self/status"])).stdout.toString();
    expect(status).toMatch(/CapEff:\s+0000000000000000/);
    expect(status).toMatch(/CapBnd:\s+0000000000000000|NoNewPrivs:\s+1/);
    expect(status).toMatch(/NoNewPrivs:\s+1/);
    const pids = (await run("iso-a", ["sh", "-c", "ls /proc | grep -c '^[0-9]'"])).stdout.toString().trim();
    expect(Number(pids)).toBeLessThan(10);
    expect((await run("iso-a", ["ls", stateDir])).exitCode).not.toBe(0);
  }, 30_000);

  it("enforces the memory limit when cgroups are writable", async () => {
    if (!backend.capabilities.resourceLimits) return; // prlimit-only hosts: covered by the README's honest table
    await backend.create({ name: "iso-mem", resources: { memoryMB: 64, vcpus: 0.5 } });
    const info = await backend.start("iso-mem");
    // The CPU quota and pids cap are written where the kernel enforces them.
    const dirs = String(info.refs.cgroups).split(",");
    const cpu = dirs.find((d) => d.includes("/cpu/"));
    if (cpu) expect((await readFile(join(cpu, "cpu.cfs_quota_us"), "utf8")).trim()).toBe("50000");
    const pids = dirs.find((d) => d.includes("/pids/"));
    if (pids) expect((await readFile(join(pids, "pids.max"), "utf8")).trim()).toBe("1024");
    const hog = await run("iso-mem", [
      "python3",
      "-c",
      "b = bytearray(256 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); print('survived')",
    ]);
    expect(hog.stdout.toString()).not.toContain("survived");
    expect(hog.exitCode).not.toBe(0);
    const small = await run("iso-mem", ["python3", "-c", "b = bytearray(8 * 1024 * 1024); print('ok')"]);
    expect(small.stdout.toString()).toBe("ok\n");
  }, 30_000);

  it("a sandbox whose init died reads as failed, and start brings it back", async () => {
    await backend.create({ name: "iso-dead" });
    const started = await backend.start("iso-dead");
    process.kill(Number(started.refs.initPid), "SIGKILL");
    await expect.poll(async () => (await backend.get("iso-dead")).status, { timeout: 10_000 }).toBe("failed");
    const notRunning = await backend.exec("iso-dead", { command: ["true"] }).catch((error: unknown) => error);
    expect(hasErrorCode(notRunning, "NOT_RUNNING")).toBe(true);
    expect((await backend.start("iso-dead")).status).toBe("running");
  }, 30_000);

  it("tty: resize reaches the program's terminal, stdin ends with EOF", async () => {
    const session = await backend.exec("iso-a", {
      command: ["sh", "-c", "stty size; read line; echo got:$line; sleep 0.5; stty size"],
      tty: { rows: 30, cols: 100 },
      stdin: "pipe",
    });
    const chunks: Buffer[] = [];
    session.stdout.on("data", (c: Buffer) => chunks.push(c));
    await expect.poll(() => Buffer.concat(chunks).toString(), { timeout: 10_000 }).toContain("30 100");
    session.resize({ rows: 40, cols: 120 });
    session.stdin?.end("hello\n");
    expect((await session.exit).exitCode).toBe(0);
    const out = Buffer.concat(chunks).toString();
    expect(out).toContain("got:hello");
    expect(out).toContain("40 120");
  }, 30_000);
});

describe("local backend without bubblewrap", () => {
  it("throws BackendUnavailableError naming apt-get install bubblewrap and isolation none", () => {
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const error = (() => {
        try {
          createLocalBackend({ stateDir: "/nonexistent" });
        } catch (e) {
          return e;
        }
      })();
      expect(hasErrorCode(error, "BACKEND_UNAVAILABLE")).toBe(true);
      expect(String((error as Error).message)).toContain("apt-get install bubblewrap");
      expect(String((error as Error).message)).toContain('isolation = "none"');
    } finally {
      process.env.PATH = saved;
    }
  });

  it('isolation "none" warns loudly and is never the default', () => {
    const warnings: string[] = [];
    const none = createLocalBackend({ stateDir: "/nonexistent", isolation: "none", logger: (m) => warnings.push(m) });
    expect(warnings.join("\n")).toMatch(/WARNING.*isolation = "none"/);
    expect(none.capabilities.networkIsolation).toBe(false);
    expect(createLocalBackend({ stateDir: "/nonexistent", logger: () => {} }).capabilities.networkIsolation).toBe(true);
  });
});
