/** Exec cases: stream separation, exit codes, stdin, env, cwd, timeout, abort, large and binary output, argv, tty. */
import { createHash } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { hasErrorCode } from "@agentkernel/core";
import { expect } from "vitest";
import { allBytes, drained, expectCoreError, hashStream, readAll, run, scratchDir, waitForOutput } from "../case-helpers.js";
import type { CaseContext, ConformanceCase } from "../conformance-case.js";

const LARGE_OUTPUT_BYTES = 8 * 1024 * 1024;

/** Asserts that the script's marker file never appears: the killed command did not keep running. */
async function expectMarkerAbsent(ctx: CaseContext, sandbox: string, dir: string, what: string): Promise<void> {
  // The script would write the marker 1 s after it started; wait past that before looking.
  await delay(1500);
  await expectCoreError(ctx.backend.readFile(sandbox, `${dir}/marker`), "NOT_FOUND", `${what}: the command kept running`);
}

/** Every exec case, in the order testBackend registers them. */
export const execCases: ConformanceCase[] = [
  {
    id: "exec/stdout-stderr",
    title: "stdout and stderr are kept apart",
    run: async (ctx) => {
      const result = await run(ctx, await ctx.shared(), {
        command: ["sh", "-c", "printf to-out; printf to-err >&2; printf more-out"],
      });
      expect(result.stdout.toString()).toBe("to-outmore-out");
      expect(result.stderr.toString()).toBe("to-err");
      expect(result.exitCode).toBe(0);
    },
  },
  {
    id: "exec/exit-codes",
    title: "exit codes 0, 1 and 42 are reported, and 128+N for signal N",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      for (const code of [0, 1, 42]) {
        const result = await run(ctx, sandbox, { command: ["sh", "-c", `exit ${code}`] });
        expect(result.exitCode, `sh -c 'exit ${code}'`).toBe(code);
      }
      const killed = await run(ctx, sandbox, { command: ["sh", "-c", "kill -9 $$"] });
      expect(killed.exitCode, "a command killed by SIGKILL").toBe(137);
    },
  },
  {
    id: "exec/stdin-bytes",
    title: "stdin given as bytes or a string reaches the program exactly, then EOF",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      const bytes = await run(ctx, sandbox, { command: ["cat"], stdin: new Uint8Array(allBytes()) });
      expect(bytes.stdout.equals(allBytes()), "all 256 byte values through cat").toBe(true);
      const text = await run(ctx, sandbox, { command: ["cat"], stdin: "héllo\nwörld\n" });
      expect(text.stdout.toString()).toBe("héllo\nwörld\n");
      const closed = await run(ctx, sandbox, { command: ["cat"] });
      expect(closed.stdout.length, "cat with no stdin ends at once with no output").toBe(0);
    },
  },
  {
    id: "exec/stdin-pipe",
    title: 'stdin "pipe" streams: output arrives before stdin is closed',
    run: async (ctx) => {
      const session = await ctx.backend.exec(await ctx.shared(), { command: ["cat"], stdin: "pipe" });
      expect(session.stdin, 'session.stdin for stdin: "pipe"').not.toBeNull();
      const stderr = readAll(session.stderr);
      session.stdin?.write("ping\n");
      const first = await waitForOutput(session.stdout, "ping\n");
      session.stdin?.end("pong\n");
      const rest = await readAll(session.stdout);
      expect(first + rest.toString()).toBe("ping\npong\n");
      expect((await stderr).length).toBe(0);
      expect((await session.exit).exitCode).toBe(0);
    },
  },
  {
    id: "exec/env",
    title: "env values reach the program literally",
    run: async (ctx) => {
      const value = "a b $HOME 'q' \"dq\" `id` ;|&";
      const result = await run(ctx, await ctx.shared(), { command: ["env"], env: { AKC_VALUE: value, AKC_EMPTY: "" } });
      const lines = result.stdout.toString().split("\n");
      expect(lines).toContain(`AKC_VALUE=${value}`);
      expect(lines).toContain("AKC_EMPTY=");
    },
  },
  {
    id: "exec/cwd",
    title: "cwd sets the working directory (same filesystem as writeFile)",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      const dir = `${scratchDir("cwd")}/with space`;
      await ctx.backend.writeFile(sandbox, `${dir}/cwd-marker.txt`, "here");
      const result = await run(ctx, sandbox, { command: ["sh", "-c", "pwd; cat cwd-marker.txt"], cwd: dir });
      const [pwd, content] = result.stdout.toString().split("\n");
      expect(pwd?.endsWith(dir), `pwd ${JSON.stringify(pwd)} ends with ${JSON.stringify(dir)}`).toBe(true);
      expect(content).toBe("here");
    },
  },
  {
    id: "exec/timeout",
    title: "timeoutMs rejects exit with TimeoutError and really ends the command",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      const dir = scratchDir("timeout");
      await ctx.backend.writeFile(sandbox, `${dir}/.keep`, "");
      const session = await ctx.backend.exec(sandbox, {
        command: ["sh", "-c", "sleep 1; printf alive > marker"],
        cwd: dir,
        timeoutMs: 300,
      });
      const streams = Promise.all([drained(session.stdout), drained(session.stderr)]);
      await expectCoreError(session.exit, "TIMEOUT", "exit of a command past timeoutMs");
      await streams;
      await expectMarkerAbsent(ctx, sandbox, dir, "after timeoutMs");
    },
  },
  {
    id: "exec/abort",
    title: "aborting the signal rejects with AbortedError and really ends the command",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      const dir = scratchDir("abort");
      await ctx.backend.writeFile(sandbox, `${dir}/.keep`, "");
      const controller = new AbortController();
      const session = await ctx.backend.exec(sandbox, {
        command: ["sh", "-c", "printf started; sleep 1; printf alive > marker"],
        cwd: dir,
        signal: controller.signal,
      });
      const stderr = drained(session.stderr);
      await waitForOutput(session.stdout, "started");
      controller.abort();
      await expectCoreError(session.exit, "ABORTED", "exit of an aborted command");
      await Promise.all([drained(session.stdout), stderr]);
      await expectMarkerAbsent(ctx, sandbox, dir, "after abort");
      await expectCoreError(
        async () => collectAborted(ctx, sandbox),
        "ABORTED",
        "exec with an already aborted signal (exec or exit must reject)",
      );
    },
  },
  {
    id: "exec/large-output",
    title: `large output (${LARGE_OUTPUT_BYTES / 1024 / 1024} MiB) streams with the exact byte count`,
    run: async (ctx) => {
      const session = await ctx.backend.exec(await ctx.shared(), {
        command: ["head", "-c", String(LARGE_OUTPUT_BYTES), "/dev/zero"],
      });
      const [out, err, exit] = await Promise.all([hashStream(session.stdout), readAll(session.stderr), session.exit]);
      expect(out.bytes).toBe(LARGE_OUTPUT_BYTES);
      expect(out.sha256).toBe(createHash("sha256").update(Buffer.alloc(LARGE_OUTPUT_BYTES)).digest("hex"));
      expect(err.toString()).toBe("");
      expect(exit.exitCode).toBe(0);
    },
  },
  {
    id: "exec/binary-output",
    title: "binary output keeps all 256 byte values",
    run: async (ctx) => {
      const format = Array.from({ length: 256 }, (_, i) => `\\${i.toString(8).padStart(3, "0")}`).join("");
      const result = await run(ctx, await ctx.shared(), { command: ["printf", format] });
      expect(result.stdout.length).toBe(256);
      expect(result.stdout.equals(allBytes()), "printf of every octal escape").toBe(true);
    },
  },
  {
    id: "exec/argv-literal",
    title: "argv with shell metacharacters reaches the program literally",
    run: async (ctx) => {
      const args = [
        "a b",
        "'single'",
        '"double"',
        "$HOME",
        "$(id)",
        "`id`",
        "; exit 3",
        "| cat",
        "&& false",
        "*",
        "~",
        "\\",
        "-n",
        "--",
        "two\nlines",
        "ünï",
        "",
      ];
      const result = await run(ctx, await ctx.shared(), { command: ["printf", "%s\\n", ...args] });
      expect(result.stdout.toString()).toBe(args.map((a) => `${a}\n`).join(""));
      expect(result.exitCode).toBe(0);
    },
  },
  {
    id: "exec/command-not-found",
    title: "a missing program ends with a non-zero exit code or a core error, never a hang",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      try {
        const result = await run(ctx, sandbox, { command: ["akc-no-such-program"] });
        expect(result.exitCode, "exit code of a program that does not exist").not.toBe(0);
      } catch (error) {
        // Refusing up front is fine too, as long as it is a core error (the proxy already checked that).
        expect(hasErrorCode(error, "NOT_FOUND") || hasErrorCode(error, "INVALID_INPUT"), String(error)).toBe(true);
      }
    },
  },
  {
    id: "exec/tty",
    title: "tty: the program sees a terminal, and resize is accepted",
    requires: ["tty"],
    run: async (ctx) => {
      const session = await ctx.backend.exec(await ctx.shared(), {
        command: ["sh", "-c", "if [ -t 1 ]; then echo is-a-tty; else echo not-a-tty; fi"],
        tty: { rows: 30, cols: 100 },
      });
      session.resize({ rows: 40, cols: 120 });
      const [out, exit] = await Promise.all([readAll(session.stdout), session.exit, drained(session.stderr)]);
      expect(out.toString()).toContain("is-a-tty");
      expect(exit.exitCode).toBe(0);
    },
  },
];

async function collectAborted(ctx: CaseContext, sandbox: string): Promise<void> {
  const session = await ctx.backend.exec(sandbox, { command: ["sleep", "5"], signal: AbortSignal.abort() });
  await Promise.all([session.exit, drained(session.stdout), drained(session.stderr)]);
}
