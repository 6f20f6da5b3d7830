/** createNomadBackend: the core Backend on Nomad's HTTP API; Nomad is the only source of truth (no local state). */
import type { Readable } from "node:stream";
import {
  AlreadyExistsError,
  type AttachOptions,
  type Backend,
  type BackendCapabilities,
  CapabilityUnsupportedError,
  type ExecRequest,
  type ExecSession,
  hasErrorCode,
  type LogChunk,
  type LogsOptions,
  NotFoundError,
  NotRunningError,
  type OperationOptions,
  PlacementFailedError,
  parseSandboxSpec,
  SPECIFICATION_VERSION,
  type SandboxInfo,
  type SandboxSpec,
  validateSandboxName,
} from "@agentkernel/core";
import {
  type AllocationListStub,
  type JobInfo,
  NomadClient,
  type NomadJob,
  NomadResponseError,
  nomadConfigFromEnv,
  toCoreError,
} from "./client/index.js";
import { buildSandboxJob } from "./job-builder.js";
import { jobIdFor, MANAGED_FILTER, TASK_NAME } from "./job-meta.js";
import { type NomadBackendOptions, resolveOptions } from "./nomad-backend-options.js";
import { execTransport, startExecSession } from "./nomad-exec.js";
import { readSandboxFile, writeSandboxFile } from "./nomad-files.js";
import { mergeLogs } from "./nomad-logs.js";
import { isMissingJob, startSandbox } from "./nomad-start.js";
import { currentAlloc, isExecReady, sandboxInfo, statusFromAlloc, statusFromSummary } from "./sandbox-status.js";
import { decodeSpecFiles, META_FILES } from "./spec-files.js";
import { createNomadWarmPool } from "./warm-pool/index.js";

export type { NomadBackendOptions } from "./nomad-backend-options.js";

/** This backend's id in SandboxInfo.backend and error prefixes. */
export const BACKEND_ID = "nomad";

/** Creates the Nomad backend. Options are validated now; the client is built on first use (or injected). */
export function createNomadBackend(options: NomadBackendOptions = {}): Backend {
  const env = options.env ?? process.env;
  const resolved = resolveOptions(options, {
    namespace: options.client?.namespace ?? options.config?.namespace ?? env.NOMAD_NAMESPACE,
    region: options.client?.region ?? options.config?.region ?? env.NOMAD_REGION,
  });
  const { settings } = resolved;
  const namespace = settings.namespace;
  let client = options.client;
  const ownsClient = client === undefined;
  const nomad = (): NomadClient => {
    client ??= new NomadClient(nomadConfigFromEnv(env, options.config));
    return client;
  };
  const where = (name: string) => `sandbox "${name}"`;
  // Warm pool (src/warm-pool/): its name records make names atomic for warm and cold alike and resolve claimed ones.
  const warm = createNomadWarmPool({ client: nomad, namespace, settings });
  const capabilities: BackendCapabilities = {
    tty: true,
    attach: true,
    fileStreaming: true,
    logs: true,
    logsFollow: true,
    networkIsolation: true,
    readOnlyRoot: settings.driver.driver === "docker",
    resourceLimits: true,
    warmPool: true,
    shared: true,
  };

  const readJob = async (name: string, signal?: AbortSignal): Promise<JobInfo> => {
    validateSandboxName(name);
    try {
      return (await nomad().jobs.info(jobIdFor(name), { namespace, signal })).data;
    } catch (err) {
      if (isMissingJob(err)) {
        const claimed = await warm.names.readWarmJob(name, signal);
        if (claimed) return claimed;
        throw new NotFoundError(`${where(name)} does not exist; create it first`, { backend: BACKEND_ID, cause: err });
      }
      throw err;
    }
  };
  const allocsOf = async (jobId: string, signal?: AbortSignal): Promise<AllocationListStub[]> =>
    (await nomad().jobs.allocations(jobId, { namespace, signal })).data;

  /** The running allocation, looked up on every call (a rescheduled or lost one is never reused). */
  const runningAlloc = async (name: string, signal?: AbortSignal): Promise<AllocationListStub> => {
    const job = await readJob(name, signal);
    const alloc = job.Stop ? undefined : currentAlloc(await allocsOf(job.ID, signal));
    if (!alloc || !isExecReady(alloc)) {
      const { status, detail } = statusFromAlloc(job, alloc);
      throw new NotRunningError(`${where(name)} is ${status}${detail ? ` (${detail})` : ""}; start it first`, {
        backend: BACKEND_ID,
      });
    }
    return alloc;
  };
  const execIn =
    (alloc: AllocationListStub) =>
    (command: string[], tty = false) =>
      nomad().exec.start(alloc.ID, { task: TASK_NAME, command, tty, namespace });

  const exec = async (name: string, request: ExecRequest): Promise<ExecSession> => {
    const alloc = await runningAlloc(name, request.signal);
    const start = execIn(alloc);
    return startExecSession(
      execTransport(start, where(name), (err) =>
        toCoreError(err, { action: `exec in ${where(name)}`, capability: "alloc-exec", namespace }),
      ),
      request,
      where(name),
    );
  };

  const backend: Backend = {
    specificationVersion: SPECIFICATION_VERSION,
    backendId: BACKEND_ID,
    capabilities,

    async create(input: SandboxSpec, opts: OperationOptions = {}): Promise<SandboxInfo> {
      const spec = parseSandboxSpec(input);
      if (spec.readOnlyRoot && !capabilities.readOnlyRoot) {
        throw new CapabilityUnsupportedError(`readOnlyRoot with the ${settings.driver.driver} driver (use docker)`, {
          backend: BACKEND_ID,
        });
      }
      const job = buildSandboxJob(spec, settings, { stop: true, createdAt: new Date() });
      const unreserve = await warm.names.reserveCold(spec.name, opts.signal);
      try {
        // Check-and-set "only if new": a taken name fails atomically, across processes and machines.
        await nomad().jobs.register(job as NomadJob, { namespace, enforceIndex: true, jobModifyIndex: 0, signal: opts.signal });
      } catch (err) {
        await unreserve();
        const cause = (err as { cause?: unknown }).cause ?? err;
        if (cause instanceof NomadResponseError && /job already exists/.test(cause.body)) {
          throw new AlreadyExistsError(`${where(spec.name)} already exists; pick another name or remove it first`, {
            backend: BACKEND_ID,
            cause: err,
          });
        }
        throw err;
      }
      return sandboxInfo(job, { status: "stopped" }, undefined, BACKEND_ID);
    },

    async start(name, opts = {}) {
      validateSandboxName(name);
      const alloc = await startSandbox(
        { client: nomad(), namespace, driver: settings.driver.driver, datacenters: settings.datacenters, ...resolved },
        name,
        opts,
      ).catch(async (err: unknown) => {
        // A claimed warm sandbox was started by its pool; a stopped one cannot be placed again (remove, create anew).
        if (hasErrorCode(err, "NOT_FOUND") && (await warm.names.readWarmJob(name, opts.signal))) return undefined;
        throw err;
      });
      if (!alloc) return backend.get(name, opts);
      const failed = async (why: string, cause?: unknown): Promise<never> => {
        await nomad()
          .jobs.deregister(jobIdFor(name), { namespace })
          .catch(() => undefined);
        throw new PlacementFailedError(`${where(name)} ${why}; the job was stopped`, { backend: BACKEND_ID, cause });
      };
      const job = await readJob(name, opts.signal);
      // A fresh allocation has a fresh filesystem: the spec's files go in on every start.
      for (const file of decodeSpecFiles(job.Meta?.[META_FILES])) {
        await writeSandboxFile(execIn(alloc), where(name), file.path, file.content, { mode: file.mode }).catch((err: unknown) =>
          failed(`could not write spec file ${JSON.stringify(file.path)}: ${(err as Error).message}`, err),
        );
      }
      const current = currentAlloc(await allocsOf(job.ID, opts.signal));
      const info = sandboxInfo(job, statusFromAlloc(job, current), current, BACKEND_ID);
      // The main process may die right after Nomad reported it started: that is a failed start.
      if (info.status !== "running") await failed(`failed right after starting (${info.status}: ${info.statusDetail ?? ""})`);
      return info;
    },

    async stop(name, opts = {}) {
      const job = await readJob(name, opts.signal);
      // Deregister without purge: the spec stays and start() re-registers it.
      await nomad().jobs.deregister(job.ID, { namespace, signal: opts.signal });
    },

    async remove(name, opts = {}) {
      validateSandboxName(name);
      // Purges the job (cold or claimed warm; idempotent), then its claim and name records.
      await warm.release(name, opts);
    },

    async get(name, opts = {}) {
      const job = await readJob(name, opts.signal);
      const alloc = currentAlloc(await allocsOf(job.ID, opts.signal));
      const info = sandboxInfo(job, statusFromAlloc(job, alloc), alloc, BACKEND_ID);
      return warm.names.isWarmJob(job, name) ? warm.names.overlay(name, info, opts.signal) : info;
    },

    async list(opts = {}) {
      const out: SandboxInfo[] = [];
      const pages = nomad().jobs.listAll({
        namespace,
        filter: MANAGED_FILTER,
        meta: true,
        perPage: resolved.listPageSize,
        signal: opts.signal,
      });
      const claimed = await warm.names.listClaimed(opts.signal);
      for await (const stub of pages) claimed.push(sandboxInfo(stub, { status: statusFromSummary(stub) }, undefined, BACKEND_ID));
      for (const info of claimed) {
        const wanted = Object.entries(opts.labels ?? {}).every(([k, v]) => info.labels[k] === v);
        if (wanted) out.push(info);
      }
      return out;
    },

    exec,

    async writeFile(name, path, data: Uint8Array | string | Readable, opts = {}) {
      const start = execIn(await runningAlloc(name, opts.signal));
      await writeSandboxFile((c) => start(c), where(name), path, data, opts);
    },

    async readFile(name, path, opts = {}) {
      const start = execIn(await runningAlloc(name, opts.signal));
      return readSandboxFile((c) => start(c), where(name), path, opts);
    },

    async *logs(name: string, opts: LogsOptions = {}): AsyncIterable<LogChunk> {
      const job = await readJob(name, opts.signal);
      const alloc = currentAlloc(await allocsOf(job.ID, opts.signal));
      if (!alloc) return;
      const frames = (type: "stdout" | "stderr") =>
        nomad().fs.logs(alloc.ID, { task: TASK_NAME, type, follow: opts.follow === true, signal: opts.signal, namespace });
      yield* mergeLogs([
        { stream: "stdout", frames: frames("stdout") },
        { stream: "stderr", frames: frames("stderr") },
      ]);
    },

    attach(name: string, opts: AttachOptions = {}) {
      return exec(name, {
        command: [opts.shell ?? "/bin/sh"],
        tty: opts.size ?? true,
        stdin: "pipe",
        ...(opts.env ? { env: opts.env } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    },

    warmPool: warm,

    async close() {
      await warm.close();
      if (ownsClient && client) await client.close();
    },
  };
  return backend;
}
