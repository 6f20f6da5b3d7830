// The exec and files adapters driven over real local processes (the wrapper, timeout, kill and cat paths run for real).
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { collectExec, hasErrorCode, InternalError } from "@agentkernel/core";
import { afterAll, describe, expect, it } from "vitest";
import { execTransport, startExecSession } from "./nomad-exec.js";
import { readSandboxFile, writeSandboxFile } from "./nomad-files.js";
import { spawnLocalExec } from "./test-local-exec.js";

const taskDir = mkdtempSync(join(tmpdir(), "ak-nomad-exec-"));
afterAll(() => rmSync(taskDir, { recursive: true, force: true }));
const env = { NOMAD_TASK_DIR: taskDir };
const start = (argv: string[]) => spawnLocalExec(argv, env);

const transport = execTransport(
  (argv) => start(argv),
  "test",
  (err) => new InternalError(String(err), { cause: err }),
);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe("exec adapter", () => {
  it("passes env (not in argv) and cwd, and streams piped stdin with back-pressure", async () => {
    const session = await startExecSession(
      transport,
      {
        command: ["sh", "-c", 'printf "%s|" "$SECRET"; pwd; cat'],
        env: { SECRET: "s3cr3t\nvalue" },
        cwd: taskDir,
        stdin: "pipe",
      },
      "test",
    );
    const stdin = session.stdin;
    if (!stdin) throw new Error("stdin pipe missing");
    stdin.write("one ");
    stdin.end("two");
    const result = await collectExec(session);
    expect(result.stdout.toString()).toBe(`s3cr3t\nvalue|${taskDir}\none two`);
    expect(result.exitCode).toBe(0);
  });

  it("refuses ExecRequest.user, which Nomad's exec API cannot honour", async () => {
    const err = await startExecSession(transport, { command: ["id"], user: "root" }, "test").catch((e: unknown) => e);
    expect(hasErrorCode(err, "CAPABILITY_UNSUPPORTED")).toBe(true);
  });

  it("stdin from bytes and from a stream; exit codes; stdout/stderr apart", async () => {
    const bytes = await collectExec(
      await startExecSession(transport, { command: ["sh", "-c", "cat; echo err >&2; exit 3"], stdin: "abc" }, "test"),
    );
    expect([bytes.stdout.toString(), bytes.stderr.toString(), bytes.exitCode]).toEqual(["abc", "err\n", 3]);
    const stream = await collectExec(
      await startExecSession(transport, { command: ["wc", "-c"], stdin: Readable.from([Buffer.alloc(100_000)]) }, "test"),
    );
    expect(stream.stdout.toString().trim()).toBe("100000");
  });

  it("timeoutMs ends the command inside the sandbox and rejects with TimeoutError", async () => {
    const marker = join(taskDir, "timeout-marker");
    const session = await startExecSession(
      transport,
      { command: ["sh", "-c", `sleep 1; printf alive > "$1"`, "sh", marker], timeoutMs: 200 },
      "test",
    );
    const err = await session.exit.catch((e: unknown) => e);
    expect(hasErrorCode(err, "TIMEOUT")).toBe(true);
    await new Promise((r) => setTimeout(r, 1300));
    expect(existsSync(marker)).toBe(false);
  });

  it("abort kills the command through the second exec and rejects with AbortedError", async () => {
    const marker = join(taskDir, "abort-marker");
    const controller = new AbortController();
    const session = await startExecSession(
      transport,
      { command: ["sh", "-c", `printf started; sleep 1; printf alive > "$1"`, "sh", marker], signal: controller.signal },
      "test",
    );
    for await (const chunk of session.stdout) {
      if (String(chunk).includes("started")) break;
    }
    controller.abort();
    expect(hasErrorCode(await session.exit.catch((e: unknown) => e), "ABORTED")).toBe(true);
    await new Promise((r) => setTimeout(r, 1300));
    expect(existsSync(marker)).toBe(false);
  });
});

describe("exec adapter, abort while opening", () => {
  it("an abort that lands while the session is opening still ends the command and rejects with AbortedError", async () => {
    const marker = join(taskDir, "abort-opening-marker");
    const controller = new AbortController();
    const slowOpen = execTransport(
      async (argv) => {
        const stream = await start(argv);
        controller.abort(); // the caller gives up before startExecSession has the stream in hand
        return stream;
      },
      "test",
      (err) => new InternalError(String(err), { cause: err }),
    );
    const session = await startExecSession(
      slowOpen,
      { command: ["sh", "-c", `sleep 1; printf alive > "$1"`, "sh", marker], signal: controller.signal },
      "test",
    );
    expect(hasErrorCode(await session.exit.catch((e: unknown) => e), "ABORTED")).toBe(true);
    await new Promise((r) => setTimeout(r, 1300));
    expect(existsSync(marker)).toBe(false);
  });
});

describe("files over exec", () => {
  const awkward = ["with space", "quote'single", 'quote"double', "dollar$HOME", "back`tick`", "new\nline", "-leading"];
  it("round-trips binary data through awkward paths (spaces, quotes, $, backticks, newline, leading dash)", async () => {
    const data = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    for (const name of awkward) {
      const path = join(taskDir, "deep", name, `${name}.bin`);
      await writeSandboxFile(start, "test", path, data, {});
      expect((await readAll(await readSandboxFile(start, "test", path, {}))).equals(data)).toBe(true);
    }
  });

  it("streams a large file with bounded chunks and the right hash, and applies mode", async () => {
    const big = randomBytes(16 * 1024 * 1024);
    const path = join(taskDir, "big.bin");
    await writeSandboxFile(start, "test", path, Readable.from([big.subarray(0, 1 << 23), big.subarray(1 << 23)]), {
      mode: 0o600,
    });
    const hash = createHash("sha256");
    for await (const c of await readSandboxFile(start, "test", path, {})) hash.update(c as Buffer);
    expect(hash.digest("hex")).toBe(createHash("sha256").update(big).digest("hex"));
  });

  it("a failing source stream is an InvalidInputError, never a hang", async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error("disk on fire"));
      },
    });
    const err = await writeSandboxFile(start, "test", join(taskDir, "never.bin"), failing, {}).catch((e: unknown) => e);
    expect(hasErrorCode(err, "INVALID_INPUT")).toBe(true);
    expect(String(err)).toContain("disk on fire");
  });

  it("maps a missing file to NotFoundError and an empty file to an empty stream", async () => {
    const err = await readSandboxFile(start, "test", join(taskDir, "nope"), {}).catch((e: unknown) => e);
    expect(hasErrorCode(err, "NOT_FOUND")).toBe(true);
    const empty = join(taskDir, "empty");
    await writeSandboxFile(start, "test", empty, "", {});
    expect((await readAll(await readSandboxFile(start, "test", empty, {}))).length).toBe(0);
  });
});
