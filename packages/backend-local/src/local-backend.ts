/** createLocalBackend(): the embedded default backend — bubblewrap sandboxes on this machine, state in a per-sandbox dir. */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import {
  type Backend,
  type BackendCapabilities,
  CapabilityUnsupportedError,
  hasErrorCode,
  type ExecRequest,
  type ExecSession,
  InvalidInputError,
  NO_CAPABILITIES,
  NotRunningError,
  SPECIFICATION_VERSION,
  type SandboxInfo,
  parseSandboxSpec,
  validateEnv,
  validateExecRequest,
  validateSandboxName,
  validateSandboxPath,
} from "@agentkernel/core";
import { DEFAULT_PATH, execCommand, requireTools, SANDBOX_WORKDIR, which } from "./local-commands.js";
import { spawnSession } from "./local-exec-session.js";
import { readSandboxFile, writeSandboxFile } from "./local-files.js";
import { startInit, stopInit } from "./local-init.js";
import { cgroupsWritable } from "./local-limits.js";
import { readLogs } from "./local-logs.js";
import { networkOf, toInfo } from "./local-info.js";
import { isAlive } from "./local-proc.js";
import { applyStagedFiles, stageFiles } from "./local-staging.js";
import {
  type InitRecord,
  SandboxPaths,
  clearInit,
  claimDir,
  defaultStateBase,
  listNames,
  readInit,
  readRecord,
  removeDir,
  type SandboxRecord,
  withLock,
  writeInit,
  writeJsonAtomic,
} from "./local-state.js";

/** Stable id of this backend. */
export const BACKEND_ID = "local";

/** Options of {@link createLocalBackend}. */
export interface LocalBackendOptions {
  /** Directory holding one state dir per sandbox. Default AGENTKERNEL_STATE_DIR, else ${XDG_STATE_HOME:-~/.local/state}/agentkernel/local. */
  stateDir?: string;
  /** `bwrap` (default): bubblewrap namespaces. `none`: plain host processes — trusted code only. */
  isolation?: "bwrap" | "none";
  /** Operator warnings (ignored image, no isolation). */
  logger?: (message: string) => void;
  /** Max processes per sandbox (default 1024). */
  pidsMax?: number;
}

/** Creates the local backend. Throws BackendUnavailableError (with the install command) when bwrap is missing. */
export function createLocalBackend(options: LocalBackendOptions = {}): Backend {
  const isolation = options.isolation ?? "bwrap";
  const log = options.logger ?? ((message: string) => process.stderr.write(`${message}\n`));
  const tools = requireTools(isolation);
  const base = options.stateDir ?? defaultStateBase();
  const bwrap = isolation === "bwrap";
  if (!bwrap) {
    log(
      '[local] WARNING: isolation = "none": sandboxes are plain host processes with full access to this machine (files, network, other processes). Use it only for trusted code.',
    );
  }
  const capabilities: BackendCapabilities = {
    ...NO_CAPABILITIES,
    // The pty helper is Python; without python3 on the host, tty is honestly unsupported.
    tty: which("python3") !== undefined,
    fileStreaming: true,
    logs: true,
    logsFollow: true,
    networkIsolation: bwrap,
    readOnlyRoot: bwrap,
    resourceLimits: cgroupsWritable(),
  };
  const paths = (name: string): SandboxPaths => new SandboxPaths(base, validateSandboxName(name));

  /** The record and running init of `name`, or NotRunningError (NotFoundError when the sandbox does not exist). */
  const running = async (p: SandboxPaths): Promise<{ record: SandboxRecord; init: InitRecord }> => {
    const record = await readRecord(p);
    const init = await readInit(p);
    if (!init || !(await isAlive(init.init))) {
      throw new NotRunningError(`sandbox "${p.name}" is not running; start it first (agentkernel start ${p.name})`, {
        backend: BACKEND_ID,
      });
    }
    return { record, init };
  };

  /** Execs in a running sandbox without the caller-facing checks (used by files and staging too). */
  const execIn = async (p: SandboxPaths, request: ExecRequest): Promise<ExecSession> => {
    const { record, init } = await running(p);
    const home = bwrap ? SANDBOX_WORKDIR : join(p.root, "workspace");
    const cwd = request.cwd ?? home;
    const env = {
      PATH: DEFAULT_PATH,
      HOME: home,
      LANG: "C.UTF-8",
      ...(request.tty ? { TERM: "xterm-256color" } : {}),
      ...record.spec.env,
      ...request.env,
    };
    const argv = execCommand({
      isolation,
      nsenter: tools.nsenter,
      initPid: init.init.pid,
      rootless: init.rootless === true,
      uid: init.uid,
      gid: init.gid,
      cgroups: init.cgroups,
      prlimit: init.prlimit,
      cwd,
      argv: request.command,
    });
    return spawnSession({ argv, env }, request, BACKEND_ID);
  };

  const backend: Backend = {
    specificationVersion: SPECIFICATION_VERSION,
    backendId: BACKEND_ID,
    capabilities,

    async create(input) {
      const spec = parseSandboxSpec(input);
      if (spec.image !== undefined) {
        log(
          `[local] image "${spec.image}" is ignored: local sandboxes see this machine's root filesystem (read-only); use --backend nomad to run an image`,
        );
      }
      const p = paths(spec.name);
      await claimDir(p);
      try {
        const staged = await stageFiles(p, spec.files ?? []);
        const { files: _files, ...rest } = spec;
        await writeJsonAtomic(p.spec, { version: 1, spec: rest, createdAt: new Date().toISOString(), staged });
      } catch (error) {
        await rm(p.dir, { recursive: true, force: true });
        throw error;
      }
      return toInfo(p, await readRecord(p), undefined, isolation);
    },

    async start(name, startOptions) {
      const p = paths(name);
      return withLock(p, async () => {
        const record = await readRecord(p);
        const current = await readInit(p);
        if (current && (await isAlive(current.init))) return toInfo(p, record, current, isolation);
        if (current) await stopInit(current);
        startOptions?.onProgress?.({ phase: "starting", message: `starting bubblewrap sandbox ${name}` });
        const init = await startInit(p, {
          isolation,
          bwrap: tools.bwrap,
          network: networkOf(record.spec),
          readOnlyRoot: record.spec.readOnlyRoot ?? true,
          resources: record.spec.resources,
          pidsMax: options.pidsMax,
        });
        await writeInit(p, init);
        try {
          await applyStagedFiles(p, record, (req) => execIn(p, req));
        } catch (error) {
          await stopInit(init);
          await clearInit(p);
          throw error;
        }
        startOptions?.onProgress?.({ phase: "running", message: `sandbox ${name} is running` });
        // Staging rewrote only `staged` in spec.json; the info comes from the spec read above.
        return toInfo(p, record, init, isolation);
      });
    },

    async stop(name) {
      const p = paths(name);
      await withLock(p, async () => {
        await readRecord(p);
        const init = await readInit(p);
        if (init) await stopInit(init);
        await clearInit(p);
      });
    },

    async remove(name) {
      const p = paths(name);
      // Under the lock so a concurrent start cannot leave an init running in a deleted dir.
      await withLock(p, async () => {
        const init = await readInit(p);
        if (init) await stopInit(init);
      }).catch((error: unknown) => {
        if (!hasErrorCode(error, "NOT_FOUND")) throw error;
      });
      await removeDir(p);
    },

    async get(name) {
      const p = paths(name);
      const record = await readRecord(p);
      return toInfo(p, record, await readInit(p), isolation);
    },

    async list(listOptions) {
      const wanted = Object.entries(listOptions?.labels ?? {});
      const out: SandboxInfo[] = [];
      for (const name of await listNames(base)) {
        const p = new SandboxPaths(base, name);
        try {
          const record = await readRecord(p);
          const labels = record.spec.labels ?? {};
          // Filtered on the spec first: only listed sandboxes need their init read and checked in /proc.
          if (wanted.every(([k, v]) => labels[k] === v)) out.push(await toInfo(p, record, await readInit(p), isolation));
        } catch {
          // Half-created or being removed by another process: not listed.
        }
      }
      return out;
    },

    async exec(name, request) {
      validateExecRequest(request);
      validateEnv(request.env);
      if (request.cwd !== undefined) validateSandboxPath(request.cwd, "cwd");
      if (request.tty && !capabilities.tty) {
        throw new CapabilityUnsupportedError(
          "tty needs python3 on this host (the pty helper); install python3 or run without tty",
          { backend: BACKEND_ID },
        );
      }
      if (request.user !== undefined) {
        throw new InvalidInputError("user: the local backend runs every command as the sandbox's own user; leave user unset", {
          backend: BACKEND_ID,
        });
      }
      return execIn(paths(name), request);
    },

    async writeFile(name, path, data, writeOptions) {
      const target = validateSandboxPath(path);
      const p = paths(name);
      await writeSandboxFile((req) => execIn(p, req), name, target, data, writeOptions?.mode);
    },

    async readFile(name, path) {
      const target = validateSandboxPath(path);
      const p = paths(name);
      return readSandboxFile((req) => execIn(p, req), name, target);
    },

    logs(name, logsOptions = {}) {
      return (async function* () {
        const p = paths(name);
        await readRecord(p);
        yield* readLogs({ stdout: p.stdoutLog, stderr: p.stderrLog }, logsOptions);
      })();
    },
  };
  return backend;
}
