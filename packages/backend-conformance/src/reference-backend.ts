/**
 * The reference backend: sandboxes are directories and exec spawns real host processes.
 * It has NO isolation whatsoever (a command can read and write anything the test user can); it exists
 * only so the conformance suite is exercised before, and independently of, the real backends.
 */
import type { ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { chmod, mkdir, open, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  AbortedError,
  type Backend,
  type BackendCapabilities,
  CapabilityUnsupportedError,
  type ExecRequest,
  type ExecSession,
  type LogChunk,
  type LogsOptions,
  NO_CAPABILITIES,
  NotFoundError,
  NotRunningError,
  type OperationOptions,
  parseSandboxSpec,
  SPECIFICATION_VERSION,
  type SandboxInfo,
  type SandboxSpec,
  validateEnv,
  validateExecRequest,
  validateSandboxName,
  validateSandboxPath,
  type WriteFileOptions,
} from "@agentkernel/core";
import { killGroup, spawnSession } from "./reference-exec.js";
import { type ReferenceMeta, ReferenceStore, translateFsError } from "./reference-store.js";
import { followLog } from "./reference-logs.js";

/** `backendId` of the reference backend. */
export const REFERENCE_BACKEND_ID = "reference";

/** Options of {@link createReferenceBackend}. */
export interface ReferenceBackendOptions {
  /** Directory that holds one subdirectory per sandbox. Created when missing. */
  rootDir: string;
}

const CAPABILITIES: BackendCapabilities = { ...NO_CAPABILITIES, fileStreaming: true, logs: true, logsFollow: true };

function checkSignal(options: OperationOptions | undefined): void {
  if (options?.signal?.aborted) throw new AbortedError("operation aborted by its AbortSignal", { backend: REFERENCE_BACKEND_ID });
}

/**
 * Creates the process-based reference backend. NO isolation: only for exercising the conformance
 * suite on a developer machine or CI; never point untrusted code at it.
 */
export function createReferenceBackend(options: ReferenceBackendOptions): Backend {
  const store = new ReferenceStore(options.rootDir);
  const running = new Map<string, Set<ChildProcess>>();

  const info = (meta: ReferenceMeta): SandboxInfo => ({
    name: meta.spec.name,
    backend: REFERENCE_BACKEND_ID,
    status: meta.status,
    image: meta.spec.image,
    resources: meta.spec.resources,
    network: meta.spec.network,
    profile: meta.spec.profile,
    labels: meta.spec.labels ?? {},
    createdAt: new Date(meta.createdAt),
    refs: { dir: store.dir(meta.spec.name) },
  });
  const read = (name: string): Promise<ReferenceMeta> => store.read(validateSandboxName(name));
  const hostPath = (name: string, path: string): string => join(store.fsRoot(name), validateSandboxPath(path));
  const log = async (name: string, line: string): Promise<void> => {
    const handle = await open(store.logPath(name), "a");
    await handle.appendFile(`${new Date().toISOString()} ${line}\n`).finally(() => handle.close());
  };
  const killAll = (name: string): void => {
    for (const child of running.get(name) ?? []) killGroup(child);
    running.delete(name);
  };
  const track = (name: string) => (child: ChildProcess, done: boolean) => {
    const set = running.get(name) ?? new Set<ChildProcess>();
    if (done) set.delete(child);
    else set.add(child);
    running.set(name, set);
  };

  const writeFile = async (name: string, path: string, data: Uint8Array | string | Readable, opts?: WriteFileOptions) => {
    checkSignal(opts);
    const target = hostPath(name, path);
    await read(name);
    try {
      await mkdir(dirname(target), { recursive: true });
      const source = data instanceof Readable ? data : Readable.from([typeof data === "string" ? Buffer.from(data) : data]);
      await pipeline(source, createWriteStream(target, { mode: opts?.mode ?? 0o644 }), { signal: opts?.signal });
      if (opts?.mode !== undefined) await chmod(target, opts.mode);
    } catch (error) {
      if (opts?.signal?.aborted)
        throw new AbortedError("writeFile aborted by its AbortSignal", { backend: REFERENCE_BACKEND_ID });
      throw translateFsError(error, `file ${path} in sandbox "${name}"`);
    }
  };

  const backend: Backend = {
    specificationVersion: SPECIFICATION_VERSION,
    backendId: REFERENCE_BACKEND_ID,
    capabilities: CAPABILITIES,

    async create(input: SandboxSpec, opts) {
      checkSignal(opts);
      const spec = parseSandboxSpec(input);
      const meta: ReferenceMeta = { spec, status: "stopped", createdAt: new Date().toISOString() };
      await store.create(spec, meta);
      for (const file of spec.files ?? []) await writeFile(spec.name, file.path, file.content, { mode: file.mode });
      await log(spec.name, "created");
      return info(meta);
    },

    async start(name, opts) {
      checkSignal(opts);
      const meta = await read(name);
      opts?.onProgress?.({ phase: "starting", message: "marking the sandbox directory running" });
      const next: ReferenceMeta = { ...meta, status: "running" };
      await store.write(name, next);
      await log(name, "started");
      opts?.onProgress?.({ phase: "running", message: "running" });
      return info(next);
    },

    async stop(name, opts) {
      checkSignal(opts);
      const meta = await read(name);
      killAll(name);
      await store.write(name, { ...meta, status: "stopped" });
      await log(name, "stopped");
    },

    async remove(name, opts) {
      checkSignal(opts);
      validateSandboxName(name);
      killAll(name);
      await store.remove(name);
    },

    async get(name, opts) {
      checkSignal(opts);
      return info(await read(name));
    },

    async list(opts) {
      checkSignal(opts);
      const wanted = Object.entries(opts?.labels ?? {});
      const found: SandboxInfo[] = [];
      for (const name of await store.names()) {
        const meta = await store.read(name).catch(() => undefined);
        if (!meta) continue; // Half-created or being removed by someone else right now.
        const labels = meta.spec.labels ?? {};
        if (wanted.every(([key, value]) => labels[key] === value)) found.push(info(meta));
      }
      return found;
    },

    async exec(name, request: ExecRequest): Promise<ExecSession> {
      validateExecRequest(request);
      const env = validateEnv(request.env, "env");
      const cwd = request.cwd === undefined ? "/" : validateSandboxPath(request.cwd, "cwd");
      const meta = await read(name);
      if (request.tty) throw new CapabilityUnsupportedError("exec with tty", { backend: REFERENCE_BACKEND_ID });
      if (meta.status !== "running") {
        throw new NotRunningError(`sandbox "${name}" is ${meta.status}; start it before exec`, { backend: REFERENCE_BACKEND_ID });
      }
      checkSignal(request);
      const hostCwd = join(store.fsRoot(name), cwd);
      const cwdStat = await stat(hostCwd).catch(() => undefined);
      if (!cwdStat?.isDirectory()) {
        throw new NotFoundError(`cwd ${cwd} is not a directory in sandbox "${name}"; create it first`, {
          backend: REFERENCE_BACKEND_ID,
        });
      }
      const baseEnv = { PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", HOME: store.fsRoot(name) };
      return spawnSession({ request, hostCwd, env: { ...baseEnv, ...meta.spec.env, ...env }, track: track(name) });
    },

    writeFile,

    async readFile(name, path, opts) {
      checkSignal(opts);
      const target = hostPath(name, path);
      await read(name);
      try {
        const handle = await open(target, "r");
        if ((await handle.stat()).isDirectory()) {
          await handle.close();
          throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
        }
        return handle.createReadStream({ signal: opts?.signal });
      } catch (error) {
        throw translateFsError(error, `file ${path} in sandbox "${name}"`);
      }
    },

    logs(name: string, opts?: LogsOptions): AsyncIterable<LogChunk> {
      return followLog(() => read(name).then(() => store.logPath(name)), opts);
    },

    async close() {
      for (const name of [...running.keys()]) killAll(name);
    },
  };
  return backend;
}
