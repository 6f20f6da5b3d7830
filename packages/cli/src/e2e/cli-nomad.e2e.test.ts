// The built `agentkernel` binary against the Nomad emulator: the seed's Quick Start, run, exit codes, stdin, cp, --json, errors.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Emulator, startEmulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempHome } from "../services/test-context.js";
import { assertBuilt, BIN, type CliOptions, cli } from "./test-cli.js";

let nomad: Emulator;
let home: ReturnType<typeof tempHome>;
let opts: CliOptions;
const run = (args: string[], extra: Partial<CliOptions> = {}) =>
  cli(args, { ...opts, ...extra, env: { ...opts.env, ...extra.env } });

beforeAll(async () => {
  assertBuilt();
  nomad = await startEmulator({ port: 0, maxKillTimeoutMs: 200 });
  home = tempHome();
  opts = { cwd: home.dir, env: { ...home.env, NOMAD_ADDR: nomad.address } };
});

afterAll(async () => {
  await nomad?.stop();
  home?.cleanup();
});

describe("agentkernel against the nomad emulator", () => {
  it("runs the seed's Quick Start word for word, with exit codes, stdin, cp and --json", async () => {
    const created = await run(["create", "my-sandbox", "--backend", "nomad", "--image", "alpine:3.20"]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    // No --backend from here on: the CLI remembers that my-sandbox lives on nomad.
    expect((await run(["start", "my-sandbox"])).code).toBe(0);
    const hello = await run(["exec", "my-sandbox", "--", "echo", "hello from nomad"]);
    expect(hello).toMatchObject({ code: 0, out: "hello from nomad\n" });

    const [zero, one, fortyTwo, piped, apart] = await Promise.all([
      run(["exec", "my-sandbox", "--", "true"]),
      run(["exec", "my-sandbox", "--", "sh", "-c", "exit 1"]),
      run(["exec", "my-sandbox", "--", "sh", "-c", "exit 42"]),
      run(["exec", "my-sandbox", "--", "tr", "a-z", "A-Z"], { input: "piped through stdin\n" }),
      run(["exec", "my-sandbox", "--", "sh", "-c", "echo to-out; echo to-err >&2"]),
    ]);
    expect([zero.code, one.code, fortyTwo.code]).toEqual([0, 1, 42]);
    expect(piped).toMatchObject({ code: 0, out: "PIPED THROUGH STDIN\n" });
    expect(apart).toMatchObject({ code: 0, out: "to-out\n", stderr: "to-err\n" });

    const data = randomBytes(200_000);
    data.set([0, 0xff, 0x0a, 0x0d], 0);
    writeFileSync(join(home.dir, "blob.bin"), data);
    expect((await run(["cp", "blob.bin", "my-sandbox:/tmp/blob.bin"])).code).toBe(0);
    expect((await run(["cp", "my-sandbox:/tmp/blob.bin", "back.bin"])).code).toBe(0);
    expect(readFileSync(join(home.dir, "back.bin")).equals(data)).toBe(true);

    const status = JSON.parse((await run(["status", "my-sandbox", "--json"])).out);
    expect(status).toMatchObject({
      name: "my-sandbox",
      backend: "nomad",
      status: "running",
      refs: { jobId: "agentkernel-my-sandbox" },
    });
    const listed = JSON.parse((await run(["ls", "--json"])).out);
    expect(listed.sandboxes.map((s: { name: string }) => s.name)).toContain("my-sandbox");
    const execJson = JSON.parse((await run(["exec", "my-sandbox", "--json", "--", "sh", "-c", "echo hi; exit 3"])).out);
    expect(execJson).toEqual({ exitCode: 3, stdout: "hi\n", stderr: "" });

    expect((await run(["stop", "my-sandbox"])).code).toBe(0);
    expect((await run(["rm", "my-sandbox"])).code).toBe(0);
  });

  it("runs the seed's run example and passes the exit code through", async () => {
    const two = await run(["run", "--backend", "nomad", "--image", "python:3.12-alpine", "--", "python3", "-c", "print(1+1)"]);
    expect(two).toMatchObject({ code: 0, out: "2\n" });
    const failed = await run(["run", "--backend", "nomad", "--", "sh", "-c", "exit 42"]);
    expect(failed.code).toBe(42);
    const left = JSON.parse((await run(["ls", "--backend", "nomad", "--json"])).out);
    expect(left.sandboxes.filter((s: { name: string }) => s.name.startsWith("run-"))).toEqual([]);
  });

  it("maps each error class to its exit code, in text and in --json", async () => {
    const usage = await run(["create"]);
    expect(usage.code).toBe(2);
    const badTtl = await run(["create", "x", "--ttl", "30", "--json"]);
    expect(badTtl.code).toBe(2);
    expect(JSON.parse(badTtl.out)).toEqual({
      success: false,
      error: { code: "INVALID_INPUT", message: expect.stringMatching(/--ttl/) },
    });

    const missing = await run(["info", "nope", "--backend", "nomad"]);
    expect(missing.code).toBe(3);
    // One line, no stack trace without --verbose.
    expect(missing.stderr).toMatch(/^agentkernel: \[nomad\] sandbox "nope" does not exist; create it first \[NOT_FOUND\]\n$/);

    await run(["create", "dup", "--backend", "nomad"]);
    const dup = await run(["create", "dup", "--backend", "nomad", "--json"]);
    expect(dup.code).toBe(8);
    expect(JSON.parse(dup.out).error.code).toBe("ALREADY_EXISTS");
    expect((await run(["start", "dup"])).code).toBe(0);
    const slow = await run(["exec", "dup", "--timeout", "1s", "--", "sleep", "30"]);
    expect(slow.code).toBe(7);
    expect(slow.stderr).toMatch(/\[TIMEOUT\]/);
    const running = await run(["rm", "dup"]);
    expect(running.code).toBe(8);
    expect((await run(["rm", "--force", "dup"])).code).toBe(0);

    const down = await run(["status", "x", "--backend", "nomad", "--verbose"], { env: { NOMAD_ADDR: "http://127.0.0.1:9" } });
    expect(down.code).toBe(6);
    expect(down.stderr).toMatch(/NOMAD_ADDR.*\[BACKEND_UNAVAILABLE\]/);
    expect(down.stderr).toMatch(/\n\s+at /);
  });

  it("exits 4 when placement fails and 5 for a rejected token, never printing the token", async () => {
    const noDocker = await startEmulator({ port: 0, nodes: [{ drivers: ["exec"] }] });
    const locked = await startEmulator({ port: 0, acl: { enabled: true } });
    try {
      const env = { NOMAD_ADDR: noDocker.address };
      expect((await run(["create", "nodocker", "--backend", "nomad"], { env })).code).toBe(0);
      const placed = await run(["start", "nodocker"], { env });
      expect(placed.code).toBe(4);
      expect(placed.stderr).toMatch(/driver docker.*\[PLACEMENT_FAILED\]/);

      const token = "7d2f7c1e-5b55-4c8e-9a35-2a7d61e0c0de";
      const tokenEnv = { NOMAD_ADDR: locked.address, NOMAD_TOKEN: token };
      const denied = await run(["ls", "--backend", "nomad"], { env: tokenEnv });
      expect(denied.code).toBe(5);
      const doctor = await run(["doctor", "--backend", "nomad"], { env: tokenEnv });
      expect(doctor.code).toBe(1);
      expect(doctor.out).toMatch(/✗ token: /);
      const shown = await run(["config", "show"], { env: tokenEnv });
      expect(shown.out).toMatch(/nomad_token = "<redacted>"/);
      for (const r of [denied, doctor, shown]) expect(r.out + r.stderr).not.toContain(token);
    } finally {
      await noDocker.stop();
      await locked.stop();
    }
  });

  it("Ctrl-C ends the remote command and exits 130; attach runs a shell on a terminal", async () => {
    await run(["create", "sigint", "--backend", "nomad"]);
    await run(["start", "sigint"]);
    let sent = false;
    const interrupted = await run(["exec", "sigint", "--", "sh", "-c", "echo ready; sleep 30; echo never"], {
      onStdout: (chunk, child) => {
        if (!sent && chunk.toString().includes("ready")) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
    expect(interrupted.code).toBe(130);
    expect(interrupted.out).toBe("ready\n");
    const ps = await run(["exec", "sigint", "--", "sh", "-c", "ps -o args 2>/dev/null || ls /proc"]);
    expect(ps.out).not.toMatch(/sleep 30/);

    // attach needs a terminal: util-linux `script` gives the CLI a pty (its command string is fixed, no user data).
    const attached = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn("script", ["-qec", `${process.execPath} ${BIN} attach sigint`, "/dev/null"], {
        cwd: opts.cwd,
        env: opts.env,
      });
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
      });
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, out }));
      child.stdin.write("echo $((6*7))\n");
      child.stdin.write("exit 3\n");
    });
    expect(attached.out).toMatch(/\b42\b/);
    expect(attached.code).toBe(3);
    await run(["rm", "--force", "sigint"]);
  });
});
