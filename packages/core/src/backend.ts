/** The Backend contract (backend-v1). Every backend implements it; pool, server and CLI depend only on it. */
import type { Readable } from "node:stream";
import type { BackendCapabilities } from "./capabilities.js";
import type { ExecRequest, ExecSession, TtySize } from "./exec.js";
import type { SandboxInfo, SandboxSpec } from "./sandbox.js";
import type { WarmPoolProvider } from "./warm-pool.js";

/** The contract version this package defines. Consumers refuse versions they don't know. */
export const SPECIFICATION_VERSION = "backend-v1" as const;

/** Progress of a start, for spinners and SSE `progress` events. */
export interface StartProgress {
  phase: "creating" | "placing" | "pulling" | "starting" | "running";
  message: string;
}

export interface OperationOptions {
  signal?: AbortSignal;
}

export interface StartOptions extends OperationOptions {
  onProgress?: (progress: StartProgress) => void;
}

export interface ListOptions extends OperationOptions {
  /** Only sandboxes carrying all these labels. */
  labels?: Record<string, string>;
}

export interface WriteFileOptions extends OperationOptions {
  /** Permission bits of a newly created file (default 0o644). */
  mode?: number;
}

export interface LogsOptions extends OperationOptions {
  follow?: boolean;
}

export interface LogChunk {
  stream: "stdout" | "stderr";
  data: Uint8Array;
}

export interface AttachOptions extends OperationOptions {
  shell?: string;
  size?: TtySize;
  env?: Record<string, string>;
}

/**
 * A sandbox backend. Required methods are the lifecycle, exec and files; `logs`, `attach` and
 * `warmPool` are present only when `capabilities` says so (absent, never stubbed).
 * Every method throws only core errors (AgentkernelError subclasses).
 */
export interface Backend {
  readonly specificationVersion: typeof SPECIFICATION_VERSION;
  /** Stable id: "nomad", "local", … */
  readonly backendId: string;
  readonly capabilities: BackendCapabilities;

  /** Defines a sandbox without starting it (status `stopped`). A taken name → AlreadyExistsError, atomically. */
  create(spec: SandboxSpec, options?: OperationOptions): Promise<SandboxInfo>;
  /** Starts it and resolves once it can exec (status `running`). Placement problems → PlacementFailedError. */
  start(name: string, options?: StartOptions): Promise<SandboxInfo>;
  /** Stops it, keeping its definition (start works again). */
  stop(name: string, options?: OperationOptions): Promise<void>;
  /** Removes it and everything it holds. Idempotent: a missing sandbox is not an error. */
  remove(name: string, options?: OperationOptions): Promise<void>;
  /** Current state read from the backend. Missing → NotFoundError. */
  get(name: string, options?: OperationOptions): Promise<SandboxInfo>;
  /** Every sandbox this backend manages. */
  list(options?: ListOptions): Promise<SandboxInfo[]>;
  /** Runs argv in a running sandbox. Not running → NotRunningError. */
  exec(name: string, request: ExecRequest): Promise<ExecSession>;
  /** Writes bytes to an absolute path, creating parent directories. Binary-safe. */
  writeFile(name: string, path: string, data: Uint8Array | string | Readable, options?: WriteFileOptions): Promise<void>;
  /** Streams a file's bytes. Missing → NotFoundError. */
  readFile(name: string, path: string, options?: OperationOptions): Promise<Readable>;
  /** The sandbox main process's output (capability `logs`). */
  logs?(name: string, options?: LogsOptions): AsyncIterable<LogChunk>;
  /** An interactive shell with a tty (capability `attach`). */
  attach?(name: string, options?: AttachOptions): Promise<ExecSession>;
  /** Warm-pool hooks (capability `warmPool`). */
  readonly warmPool?: WarmPoolProvider;
  /** Releases connections and timers. The backend is unusable afterwards. */
  close?(): Promise<void>;
}

/** A backend module's factory: `createNomadBackend(options)`. */
export type BackendFactory<Options> = (options: Options) => Backend;

/** Throws unless `backend` speaks a contract version this package knows. */
export function assertSupportedBackend(backend: Backend): Backend {
  if (backend.specificationVersion !== SPECIFICATION_VERSION) {
    throw new TypeError(
      `backend "${backend.backendId}" implements ${String(backend.specificationVersion)}, but this agentkernel supports ${SPECIFICATION_VERSION}; upgrade the backend package or agentkernel`,
    );
  }
  return backend;
}
