// Broken exec and file behaviour: each wrapper has one realistic bug its case must catch.
import { Readable } from "node:stream";
import { NotFoundError, TimeoutError } from "@agentkernel/core";
import { type Breakage, mapRequest, mapSession, transformed } from "./broken-helpers.js";

/** Exec and files breakages. */
export const EXEC_FILES_BREAKAGES: Breakage[] = [
  {
    bug: "stdout and stderr swapped",
    caseId: "exec/stdout-stderr",
    expect: /to-err|to-out/,
    wrap: (b) => mapSession(b, (s) => ({ ...s, stdout: s.stderr, stderr: s.stdout })),
  },
  {
    bug: "exit code dropped (always 0)",
    caseId: "exec/exit-codes",
    expect: /exit 1/,
    wrap: (b) => mapSession(b, (s) => ({ ...s, exit: s.exit.then(() => ({ exitCode: 0 })) })),
  },
  {
    bug: "stdin ignored",
    caseId: "exec/stdin-bytes",
    expect: /all 256 byte values/,
    wrap: (b) => mapRequest(b, ({ stdin: _stdin, ...rest }) => rest),
  },
  {
    bug: "env dropped",
    caseId: "exec/env",
    expect: /AKC_VALUE/,
    wrap: (b) => mapRequest(b, ({ env: _env, ...rest }) => rest),
  },
  {
    bug: "cwd ignored",
    caseId: "exec/cwd",
    expect: /pwd/,
    wrap: (b) => mapRequest(b, ({ cwd: _cwd, ...rest }) => rest),
  },
  {
    bug: "timeout not enforced",
    caseId: "exec/timeout",
    expect: /expected a TIMEOUT error, but it succeeded/,
    wrap: (b) => mapRequest(b, ({ timeoutMs: _t, ...rest }) => rest),
  },
  {
    bug: "timeout reported but the command left running",
    caseId: "exec/timeout",
    expect: /kept running/,
    wrap: (b) => ({
      ...b,
      exec: async (name, { timeoutMs, ...rest }) => {
        const session = await b.exec(name, rest);
        if (timeoutMs === undefined) return session;
        const timedOut = new Promise<never>((_, reject) => {
          setTimeout(() => reject(new TimeoutError("timed out (but nothing was killed)")), timeoutMs);
        });
        // The real streams stay open until the command ends by itself; hand out closed ones.
        session.stdout.resume();
        session.stderr.resume();
        return { ...session, stdout: Readable.from([]), stderr: Readable.from([]), exit: timedOut };
      },
    }),
  },
  {
    bug: "a timeout surfaces from exit as a plain Error",
    caseId: "exec/timeout",
    expect: /exec\(\) exit threw Error: timed out.*must throw only/,
    wrap: (b) =>
      mapSession(b, (s) => ({
        ...s,
        exit: s.exit.catch((error: unknown) => {
          throw new Error(`timed out: ${String(error)}`);
        }),
      })),
  },
  {
    bug: "abort ignored",
    caseId: "exec/abort",
    expect: /expected a ABORTED error, but it succeeded/,
    wrap: (b) => mapRequest(b, ({ signal: _s, ...rest }) => rest),
  },
  {
    bug: "large output truncated at 1 MiB",
    caseId: "exec/large-output",
    expect: /8388608|1048576/,
    wrap: (b) => mapSession(b, (s) => ({ ...s, stdout: transformed(s.stdout, (all) => all.subarray(0, 1024 * 1024)) })),
  },
  {
    bug: "output decoded as UTF-8 text",
    caseId: "exec/binary-output",
    expect: /256/,
    wrap: (b) => mapSession(b, (s) => ({ ...s, stdout: transformed(s.stdout, (all) => Buffer.from(all.toString("utf8"))) })),
  },
  {
    bug: "argv joined into shell text",
    caseId: "exec/argv-literal",
    expect: /expected/,
    wrap: (b) => mapRequest(b, (r) => ({ ...r, command: ["sh", "-c", r.command.join(" ")] })),
  },
  {
    bug: "readFile decodes bytes as UTF-8",
    caseId: "files/binary-round-trip",
    expect: /bytes read back equal bytes written/,
    wrap: (b) => ({
      ...b,
      readFile: async (n, p) => transformed(await b.readFile(n, p), (all) => Buffer.from(all.toString("utf8"))),
    }),
  },
  {
    bug: "writeFile drops the end of a streamed file",
    caseId: "files/large",
    expect: /16777216|expected/,
    wrap: (b) => ({
      ...b,
      writeFile: (n, p, data, o) =>
        b.writeFile(n, p, data instanceof Readable ? transformed(data, (all) => all.subarray(1)) : data, o),
    }),
  },
  {
    bug: "paths sanitised lossily on write",
    caseId: "files/awkward-paths",
    expect: /does not exist|NOT_FOUND/,
    wrap: (b) => ({ ...b, writeFile: (n, p, data, o) => b.writeFile(n, p.replace(/['"`$\n ]/g, "_"), data, o) }),
  },
  {
    bug: "readFile of a missing file returns an empty stream",
    caseId: "files/missing",
    expect: /but it succeeded/,
    wrap: (b) => ({
      ...b,
      readFile: async (n, p) => {
        try {
          return await b.readFile(n, p);
        } catch (error) {
          if (NotFoundError.isInstance(error)) return Readable.from([]);
          throw error;
        }
      },
    }),
  },
  {
    bug: "relative paths accepted",
    caseId: "files/invalid-path",
    expect: /but it succeeded/,
    wrap: (b) => ({ ...b, writeFile: (n, p, data, o) => b.writeFile(n, p.startsWith("/") ? p : `/${p}`, data, o) }),
  },
];
