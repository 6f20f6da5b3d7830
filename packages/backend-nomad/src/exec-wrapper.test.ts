// Runs the wrapper and killer scripts with the machine's real /bin/sh: env/cwd/stdin handover and kill.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeEnvHeader, killCommand, newExecId, PID_FILES_KEPT, wrapCommand } from "./exec-wrapper.js";

const taskDir = mkdtempSync(join(tmpdir(), "ak-wrapper-"));
afterAll(() => rmSync(taskDir, { recursive: true, force: true }));

function run(argv: string[], stdin: Buffer): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] ?? "sh", argv.slice(1), { env: { PATH: process.env.PATH, NOMAD_TASK_DIR: taskDir } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err }));
    child.stdin.end(stdin);
  });
}

describe("exec wrapper", () => {
  it("exports env from the stdin header, cds, and hands the rest of stdin to the command", async () => {
    const env = { A: "x y", B: "line1\nline2\n", C: "", D: "$(echo pwned) `id` '\"", E: "ünï" };
    const cmd = wrapCommand({
      id: newExecId(),
      mode: "h",
      cwd: taskDir,
      command: ["sh", "-c", 'printf "%s|" "$A" "$B" "$C" "$D" "$E"; pwd; cat'],
    });
    const r = await run(cmd, Buffer.concat([encodeEnvHeader(env), Buffer.from("rest of stdin\n.\nmore")]));
    expect(r.err).toBe("");
    expect(r.out).toBe(`x y|line1\nline2\n||$(echo pwned) \`id\` '"|ünï|${taskDir}\nrest of stdin\n.\nmore`);
    expect(r.code).toBe(0);
  });

  it("passes argv literally, reports exit codes, and times out with `timeout`", async () => {
    const lit = await run(
      wrapCommand({ id: newExecId(), mode: "n", command: ["printf", "%s\n", "-n", "$HOME", "a b"] }),
      Buffer.alloc(0),
    );
    expect(lit.out).toBe("-n\n$HOME\na b\n");
    const code = await run(wrapCommand({ id: newExecId(), mode: "h", command: ["sh", "-c", "exit 42"] }), encodeEnvHeader({}));
    expect(code.code).toBe(42);
    const slow = await run(
      wrapCommand({ id: newExecId(), mode: "n", timeoutMs: 200, command: ["sleep", "30"] }),
      Buffer.alloc(0),
    );
    expect(slow.code).toBe(124);
  });

  it("the killer ends the wrapped command and its children, and ignores a stranger's pid", async () => {
    const id = newExecId();
    const done = run(wrapCommand({ id, mode: "n", command: ["sh", "-c", "sleep 30 & sleep 30; echo never"] }), Buffer.alloc(0));
    await new Promise((r) => setTimeout(r, 300));
    const k = await run(killCommand(id), Buffer.alloc(0));
    expect(k.code).toBe(0);
    const r = await done;
    expect(r.out).toBe("");
    expect(r.code).toBeNull();
    const unknown = await run(killCommand(newExecId()), Buffer.alloc(0));
    expect(unknown.code).toBe(0);
  }, 15_000);

  it("sweeps the pid files of finished execs once there are too many, keeping live and half-written ones", async () => {
    const dir = join(taskDir, ".agentkernel-exec");
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir)) rmSync(join(dir, f));
    // A pid no process has (above the kernel's maximum), so `kill -0` says it is gone.
    const dead = (n: number) => {
      for (let i = 0; i < n; i++) writeFileSync(join(dir, `dead${i}.pid`), "4194399\n");
    };
    dead(PID_FILES_KEPT - 2);
    writeFileSync(join(dir, "live.pid"), `${process.pid}\n`);
    writeFileSync(join(dir, "empty.pid"), "");
    const once = async () => (await run(wrapCommand({ id: newExecId(), mode: "n", command: ["true"] }), Buffer.alloc(0))).code;
    expect(await once()).toBe(0);
    // At the limit nothing is swept (this exec's own file makes one more).
    expect(readdirSync(dir)).toHaveLength(PID_FILES_KEPT + 1);
    dead(PID_FILES_KEPT);
    expect(await once()).toBe(0);
    const left = readdirSync(dir).sort();
    expect(left.filter((f) => f.startsWith("dead"))).toEqual([]);
    expect(left).toContain("live.pid");
    expect(left).toContain("empty.pid");
    // The files of the two execs here (their shells are gone, the second one's not swept yet).
    expect(left.length).toBeLessThanOrEqual(4);
  });
});
