/** Test harness for the client plane: a real node:http server wired to handleExecUpgrade/handleFs over a real alloc dir. */
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import type { ClientFaults, DriverName, EmulatorAlloc, EmulatorContext } from "../emulator-context.js";
import { handleExecUpgrade } from "./exec.js";
import { handleFs } from "./fs.js";

/** One task of the harness allocation. */
export interface HarnessTask {
  name: string;
  driver: DriverName;
  /** running (default) | pending (not started) | dead */
  state?: "running" | "pending" | "dead";
}

/** A running harness. */
export interface Harness {
  base: string;
  wsBase: string;
  alloc: EmulatorAlloc;
  ctx: EmulatorContext;
  /** token → capabilities; when set, ACLs are on. */
  tokens: Map<string, string[]> | undefined;
  tracked: ChildProcess[];
  counts: Map<string, number>;
  close(): Promise<void>;
}

/** Starts the harness with a Nomad-shaped alloc dir (alloc/{data,logs,tmp}, <task>/{local,secrets,tmp,private}). */
export async function startHarness(opts: {
  tasks?: HarnessTask[];
  acl?: Record<string, string[]>;
  clientStatus?: string;
}): Promise<Harness> {
  const tasks = opts.tasks ?? [{ name: "main", driver: "raw_exec" }];
  const root = mkdtempSync(join(tmpdir(), "emu-client-"));
  const allocDir = join(root, "alloc-dir");
  for (const d of ["alloc/data", "alloc/logs", "alloc/tmp"]) mkdirSync(join(allocDir, d), { recursive: true });
  for (const t of tasks) {
    for (const d of ["local", "secrets", "tmp", "private"]) mkdirSync(join(allocDir, t.name, d), { recursive: true });
    writeFileSync(join(allocDir, "alloc/logs", `${t.name}.stdout.0`), "");
    writeFileSync(join(allocDir, "alloc/logs", `${t.name}.stderr.0`), "");
  }
  const taskStates: EmulatorAlloc["TaskStates"] = {};
  for (const t of tasks) {
    const state = t.state ?? "running";
    taskStates[t.name] = { State: state, StartedAt: state === "pending" ? null : new Date().toISOString(), Failed: false };
  }
  const alloc: EmulatorAlloc = {
    ID: randomUUID(),
    Namespace: "default",
    JobID: "job",
    ClientStatus: opts.clientStatus ?? "running",
    DesiredStatus: "run",
    TaskStates: taskStates,
    taskNames: tasks.map((t) => t.name),
    driverOf: (name) => tasks.find((t) => t.name === name)?.driver,
    allocDir,
    taskEnv: (task) => ({ NOMAD_TASK_NAME: task, NOMAD_ALLOC_DIR: "/alloc", PATH: process.env.PATH ?? "/usr/bin:/bin" }),
    networkNone: false,
    gcd: false,
  };
  const tokens = opts.acl ? new Map(Object.entries(opts.acl)) : undefined;
  const tracked: ChildProcess[] = [];
  const counts = new Map<string, number>();
  const faults: ClientFaults = { execEnding: "drop" };
  const ctx: EmulatorContext = {
    findAlloc: (id) => (id === alloc.ID ? alloc : undefined),
    authorize: (token, _ns, cap) => {
      if (!tokens) return "allowed";
      const caps = token ? tokens.get(token) : undefined;
      return caps?.includes(cap) ? "allowed" : "denied";
    },
    trackProcess: (_id, child) => tracked.push(child),
    faults,
    countRequest: (route) => counts.set(route, (counts.get(route) ?? 0) + 1),
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    handleFs(ctx, req, res, url).then(
      (handled) => {
        if (!handled) res.writeHead(404).end("resource not found");
      },
      () => res.destroy(),
    );
  });
  server.on("upgrade", (req, socket, head) => handleExecUpgrade(ctx, req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    wsBase: `ws://127.0.0.1:${port}`,
    alloc,
    ctx,
    tokens,
    tracked,
    counts,
    async close() {
      for (const c of tracked) {
        if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) {
          try {
            process.kill(-c.pid, "SIGKILL");
          } catch {
            // gone
          }
        }
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** What a client saw in one exec session. */
export interface ExecResult {
  frames: Array<Record<string, unknown>>;
  stdout: Buffer;
  stderr: Buffer;
  exitFrame: Record<string, unknown> | undefined;
  closeCode: number;
  closeReason: string;
  /** Response status when the server refused the upgrade. */
  httpStatus?: number;
  httpBody?: string;
}

/** Opens an exec session, sends `send` frames once open, and collects every frame until the connection ends. */
export function runExec(
  h: Harness,
  params: Record<string, string>,
  opts: { headers?: Record<string, string>; send?: unknown[]; onOpen?: (ws: WebSocket) => void; allocId?: string } = {},
): Promise<ExecResult> {
  const qs = new URLSearchParams(params).toString();
  const ws = new WebSocket(`${h.wsBase}/v1/client/allocation/${opts.allocId ?? h.alloc.ID}/exec?${qs}`, {
    headers: opts.headers,
  });
  const frames: Array<Record<string, unknown>> = [];
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  return new Promise((resolve, reject) => {
    ws.on("open", () => {
      for (const f of opts.send ?? []) ws.send(JSON.stringify(f));
      opts.onOpen?.(ws);
    });
    ws.on("message", (data) => {
      const f = JSON.parse(data.toString()) as Record<string, { data?: string }>;
      frames.push(f);
      if (f.stdout?.data) out.push(Buffer.from(f.stdout.data, "base64"));
      if (f.stderr?.data) err.push(Buffer.from(f.stderr.data, "base64"));
    });
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString();
      });
      res.on("end", () =>
        resolve({
          frames,
          stdout: Buffer.alloc(0),
          stderr: Buffer.alloc(0),
          exitFrame: undefined,
          closeCode: 0,
          closeReason: "",
          httpStatus: res.statusCode,
          httpBody: body,
        }),
      );
    });
    ws.on("error", () => {
      // surfaced through close
    });
    ws.on("close", (code, reason) =>
      resolve({
        frames,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        exitFrame: frames.find((f) => f.exited === true),
        closeCode: code,
        closeReason: reason.toString(),
      }),
    );
    setTimeout(() => reject(new Error("exec session did not end within 20s")), 20_000).unref();
  });
}

/** One frame of a stream/logs body. */
export interface Frame {
  Offset?: number;
  Data?: string;
  File?: string;
  FileEvent?: string;
}

/** Splits Nomad's concatenated-JSON body (no separators) the way a streaming JSON decoder would. */
export function splitFrames(body: string): Frame[] {
  const out: Frame[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) {
      out.push(JSON.parse(body.slice(start, i + 1)) as Frame);
      start = i + 1;
    }
  }
  if (body.slice(start) !== "") throw new Error(`trailing bytes after the last frame: ${body.slice(start)}`);
  return out;
}

/** Reads a following stream until `done(body)` holds, then hangs up. */
export async function readUntil(base: string, path: string, done: (body: string) => boolean): Promise<string> {
  const ac = new AbortController();
  const res = await fetch(`${base}${path}`, { signal: ac.signal });
  if (res.status !== 200) throw new Error(`stream answered ${res.status}: ${await res.text()}`);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let body = "";
  const timer = setTimeout(() => ac.abort(), 15_000);
  try {
    while (!done(body)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      body += dec.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return body;
}
