// Deliberately broken wrappers of the reference backend, each with one realistic bug the suite must catch.
import { Readable } from "node:stream";
import {
  AgentkernelError,
  type Backend,
  type ErrorCode,
  type ExecRequest,
  type ExecSession,
  NotFoundError,
  TimeoutError,
} from "@agentkernel/core";

/** One breakage: the case it must make fail, and what the failure message must mention. */
export interface Breakage {
  bug: string;
  caseId: string;
  /** The failure must match this, so the case fails for the bug and not for something unrelated. */
  expect: RegExp;
  wrap: (backend: Backend) => Backend;
}

function mapSession(backend: Backend, map: (session: ExecSession, request: ExecRequest) => ExecSession): Backend {
  return { ...backend, exec: async (name, request) => map(await backend.exec(name, request), request) };
}

function mapRequest(backend: Backend, map: (request: ExecRequest) => ExecRequest): Backend {
  return { ...backend, exec: (name, request) => backend.exec(name, map(request)) };
}

/** A Readable that yields `stream`'s bytes after passing them through `transform` as one buffer. */
function transformed(stream: Readable, transform: (all: Buffer) => Buffer): Readable {
  return Readable.from(
    (async function* () {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      yield transform(Buffer.concat(chunks));
    })(),
  );
}

class WeirdCodeError extends AgentkernelError {
  constructor() {
    super("WEIRD" as ErrorCode, "an error with a code core does not define");
  }
}

/** Every breakage the suite-can-fail test runs. */
export const BREAKAGES: Breakage[] = [
  {
    bug: "create reports running",
    caseId: "lifecycle/create",
    expect: /running/,
    wrap: (b) => ({ ...b, create: async (spec) => ({ ...(await b.create(spec)), status: "running" }) }),
  },
  {
    bug: "list ignores the label filter",
    caseId: "lifecycle/list",
    expect: /expected/,
    wrap: (b) => ({ ...b, list: () => b.list() }),
  },
  {
    bug: "stop removes the definition",
    caseId: "lifecycle/stop-and-restart",
    expect: /NOT_FOUND|does not exist/,
    wrap: (b) => ({ ...b, stop: (name) => b.remove(name) }),
  },
  {
    bug: "remove is not idempotent",
    caseId: "lifecycle/remove",
    expect: /does not exist/,
    wrap: (b) => ({
      ...b,
      remove: async (name) => {
        await b.get(name);
        await b.remove(name);
      },
    }),
  },
  {
    bug: "create overwrites a taken name",
    caseId: "lifecycle/name-taken",
    expect: /expected a ALREADY_EXISTS error, but it succeeded/,
    wrap: (b) => ({
      ...b,
      create: async (spec) => {
        await b.remove(spec.name);
        return b.create(spec);
      },
    }),
  },
  {
    bug: "get of a missing sandbox throws a plain Error",
    caseId: "lifecycle/get-missing",
    expect: /ConformanceViolationError|non-core|must throw only/,
    wrap: (b) => ({
      ...b,
      get: async (name) => {
        try {
          return await b.get(name);
        } catch {
          throw new Error(`no such sandbox ${name}`);
        }
      },
    }),
  },
  {
    bug: "invalid names are silently rewritten",
    caseId: "lifecycle/invalid-name",
    expect: /INVALID_INPUT error, but it succeeded/,
    wrap: (b) => ({
      ...b,
      create: (spec) => b.create({ ...spec, name: spec.name.toLowerCase().replace(/[^a-z0-9-]/g, "-") || "x" }),
    }),
  },
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
  {
    bug: "exec auto-starts a stopped sandbox",
    caseId: "errors/not-running",
    expect: /but it succeeded/,
    wrap: (b) => ({
      ...b,
      exec: async (name, request) => {
        if ((await b.get(name)).status !== "running") await b.start(name);
        return b.exec(name, request);
      },
    }),
  },
  {
    bug: "logs stubbed while capabilities.logs is false",
    caseId: "errors/capabilities-honest",
    expect: /backend\.logs present/,
    wrap: (b) => ({ ...b, capabilities: { ...b.capabilities, logs: false, logsFollow: false } }),
  },
  {
    bug: "an error with an unknown code",
    caseId: "lifecycle/get-missing",
    expect: /WEIRD/,
    wrap: (b) => ({
      ...b,
      get: async () => {
        throw new WeirdCodeError();
      },
    }),
  },
];
