/** createNomadBackend: the core Backend on Nomad's HTTP API; Nomad is the only source of truth (no local state). */
import type { Readable } from "node:stream";
import {
  AlreadyExistsError,
  type AttachOptions,
  type Backend,
  type BackendCapabilities,
  CapabilityUnsupportedError,
  hasErrorCode,
  type LogChunk,
  type LogsOptions,
  type OperationOptions,
  PlacementFailedError,
  parseSandboxSpec,
  SPECIFICATION_VERSION,
  type SandboxInfo,
  type SandboxSpec,
  validateSandboxName,
} from "@agentkernel/core";
import { NomadClient, type NomadJob, nomadConfigFromEnv } from "./client/index.js";
import { AllocHints } from "./alloc-hints.js";
import { sandboxAccess } from "./sandbox-access.js";
import { buildSandboxJob } from "./job-builder.js";
import { jobIdFor, MANAGED_FILTER, TASK_NAME } from "./job-meta.js";
import { type NomadBackendOptions, resolveOptions } from "./nomad-backend-options.js";
import { readSandboxFile, writeSandboxFile } from "./nomad-files.js";
import { mergeLogs } from "./nomad-logs.js";
import { startSandboxJob } from "./nomad-start.js";
import { currentAlloc, type JobFacts, sandboxInfo, statusFromAlloc, statusFromSummary } from "./sandbox-status.js";
import { decodeSpecFiles, META_FILES } from "./spec-files.js";
import { createNomadWarmPool } from "./warm-pool/index.js";
import { isJobAlreadyExists } from "./job-cas.js";

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
  // Per-process hints (alloc-hints.ts): never trusted over Nomad, only used to skip a round trip.
  const hints = new AllocHints();
  // Warm pool (src/warm-pool/): claimed sandboxes hold their name with a name-lock job `agentkernel-<name>`. A claim
  // hands its child's running allocation to exec, so a claim → exec needs no lookup.
  const warm = createNomadWarmPool({
    client: nomad,
    namespace,
    settings,
    onClaimed: (name, alloc) => hints.confirm(name, alloc),
    onReleased: (name) => hints.forget(name),
  });
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

  const { readJob, allocsOf, runningAlloc, execIn, exec } = sandboxAccess({ nomad, namespace, warm, hints, where });

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
      const job = buildSandboxJob(spec, settings, { stop: true, createdAt: new Date() }) as NomadJob;
      try {
        // Check-and-set "only if new": a taken name fails atomically, across processes and machines, whether a
        // cold sandbox or a claimed warm one (its name lock is this same job ID) holds it.
        const { data } = await nomad().jobs.register(job, {
          namespace,
          enforceIndex: true,
          jobModifyIndex: 0,
          signal: opts.signal,
        });
        hints.registered(spec.name, job, data.JobModifyIndex);
      } catch (err) {
        if (isJobAlreadyExists(err)) {
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
      hints.dropAlloc(name);
      const known = hints.takeRegistered(name);
      const started = await startSandboxJob(
        { client: nomad(), namespace, driver: settings.driver.driver, datacenters: settings.datacenters, ...resolved },
        name,
        opts,
        known,
      ).catch(async (err: unknown) => {
        // A claimed warm sandbox (its name lock is not a sandbox job) was started by its pool: report it as it is.
        if (hasErrorCode(err, "NOT_FOUND") && warm.names.isWarmJob(await readJob(name, opts.signal), name)) return undefined;
        throw err;
      });
      if (!started) return backend.get(name, opts);
      const { alloc } = started;
      const failed = async (why: string, cause?: unknown): Promise<never> => {
        await nomad()
          .jobs.deregister(jobIdFor(name), { namespace })
          .catch(() => undefined);
        throw new PlacementFailedError(`${where(name)} ${why}; the job was stopped`, { backend: BACKEND_ID, cause });
      };
      // The job as Nomad stores it now (create's body when the check-and-set proved it unchanged, else as read).
      const job: JobFacts = started.job;
      const files = decodeSpecFiles(job.Meta?.[META_FILES]);
      // A fresh allocation has a fresh filesystem: the spec's files go in on every start.
      for (const file of files) {
        await writeSandboxFile(execIn(alloc), where(name), file.path, file.content, { mode: file.mode }).catch((err: unknown) =>
          failed(`could not write spec file ${JSON.stringify(file.path)}: ${(err as Error).message}`, err),
        );
      }
      // Writing files takes a while, and the main process may die right after Nomad reported it started: look
      // again then. Without files the allocation was seen running a moment ago.
      const current = files.length > 0 ? currentAlloc(await allocsOf(job.ID, opts.signal)) : alloc;
      const info = sandboxInfo(job, statusFromAlloc(job, current), current, BACKEND_ID);
      if (info.status !== "running") await failed(`failed right after starting (${info.status}: ${info.statusDetail ?? ""})`);
      if (current) hints.confirm(name, current);
      return info;
    },

    async stop(name, opts = {}) {
      const job = await readJob(name, opts.signal);
      hints.forget(name);
      // Deregister without purge: the spec stays and start() re-registers it.
      await nomad().jobs.deregister(job.ID, { namespace, signal: opts.signal });
    },

    async remove(name, opts = {}) {
      validateSandboxName(name);
      // One purge of `agentkernel-<name>` for a cold sandbox; a claimed warm one's child and records follow.
      await warm.release(name, opts);
    },

    async get(name, opts = {}) {
      const job = await readJob(name, opts.signal);
      const alloc = currentAlloc(await allocsOf(job.ID, opts.signal));
      const info = sandboxInfo(job, statusFromAlloc(job, alloc), alloc, BACKEND_ID);
      if (alloc && info.status === "running" && alloc.DesiredStatus === "run") hints.confirm(name, alloc);
      else hints.dropAlloc(name);
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
