/** CliContext: the config loaded once per invocation, the backends built from it (lazily, cached) and the hint store. */
import {
  type Backend,
  type Config,
  type ConfigSource,
  formatConfigError,
  InvalidInputError,
  loadConfig,
  NotFoundError,
  type OperationOptions,
} from "@agentkernel/core";
import { createBackend } from "./backend-factory.js";
import { type BackendId, hintDir, SandboxHints } from "./sandbox-hints.js";

/** How a CLI invocation was started. Every field has a default so tests pass only what they vary. */
export interface CliContextOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** `--config PATH`. */
  configPath?: string;
  /** `--backend`: wins over the hint and over orchestrator.provider. */
  backend?: BackendId;
  /** Where operator warnings go (default: stderr). */
  warn?: (message: string) => void;
  /** Aborted on Ctrl-C; passed to every backend call. */
  signal?: AbortSignal;
  /** Hint store directory (default: under XDG_STATE_HOME). */
  hintDir?: string;
}

/** The state one command needs. Build with `CliContext.load`, end with `close()`. */
export class CliContext {
  readonly #backends = new Map<BackendId, Promise<Backend>>();

  private constructor(
    readonly config: Config,
    readonly sources: Record<string, ConfigSource>,
    readonly files: string[],
    readonly warnings: string[],
    readonly env: NodeJS.ProcessEnv,
    readonly explicitBackend: BackendId | undefined,
    readonly hints: SandboxHints,
    readonly warn: (message: string) => void,
    readonly signal: AbortSignal | undefined,
  ) {}

  /** Loads the config once; bad config throws InvalidInputError listing every problem (exit 2). */
  static async load(options: CliContextOptions = {}): Promise<CliContext> {
    const env = options.env ?? process.env;
    const result = await loadConfig({
      env,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.configPath !== undefined ? { configPath: options.configPath } : {}),
      ...(options.backend !== undefined ? { flags: { orchestrator: { provider: options.backend } } } : {}),
    });
    if (!result.ok) {
      throw new InvalidInputError(
        `invalid agentkernel config; fix it (agentkernel config validate shows each problem):\n${result.errors.map(formatConfigError).join("\n")}`,
      );
    }
    const warn = options.warn ?? ((message: string) => process.stderr.write(`agentkernel: warning: ${message}\n`));
    return new CliContext(
      result.config,
      result.sources,
      result.files,
      result.warnings,
      env,
      options.backend,
      new SandboxHints(options.hintDir ?? hintDir(env)),
      warn,
      options.signal,
    );
  }

  /** The backend new sandboxes go to: `--backend`, else orchestrator.provider (default local). */
  get defaultBackend(): BackendId {
    return this.explicitBackend ?? this.config.orchestrator.provider;
  }

  /** Options for every backend call: the Ctrl-C signal when there is one. */
  get operationOptions(): OperationOptions {
    return this.signal ? { signal: this.signal } : {};
  }

  /** Secrets that must never be printed (scrubbed from error output as a last line of defence). */
  get secrets(): string[] {
    return [this.config.orchestrator.nomad_token, this.config.server.api_key].filter((s): s is string => s !== undefined);
  }

  /** The backend `id`, built once per invocation. */
  backend(id: BackendId): Promise<Backend> {
    let pending = this.#backends.get(id);
    if (!pending) {
      pending = createBackend(id, this.config, { env: this.env, warn: this.warn });
      this.#backends.set(id, pending);
    }
    return pending;
  }

  /** Which backend holds `name`: `--backend`, else the remembered one, else the configured provider. */
  async backendIdFor(name: string): Promise<BackendId> {
    return this.explicitBackend ?? (await this.hints.get(name)) ?? this.config.orchestrator.provider;
  }

  /** The backend holding `name`; a NOT_FOUND from it drops a stale hint so the next call asks the provider. */
  async backendFor(name: string): Promise<{ id: BackendId; backend: Backend }> {
    const id = await this.backendIdFor(name);
    return { id, backend: await this.backend(id) };
  }

  /** Forgets a hint that pointed at a backend which no longer knows the sandbox. */
  async forgetIfMissing(name: string, error: unknown): Promise<void> {
    if (NotFoundError.isInstance(error)) await this.hints.delete(name).catch(() => undefined);
  }

  /**
   * Backends `list` asks when no --backend is given: local (always available), the provider, any backend a hint
   * names, and Nomad whenever its address was configured (another machine's sandboxes live there too).
   */
  async configuredBackends(): Promise<BackendId[]> {
    if (this.explicitBackend) return [this.explicitBackend];
    const ids = new Set<BackendId>([this.config.orchestrator.provider, "local"]);
    for (const id of await this.hints.backends()) ids.add(id);
    if (this.sources["orchestrator.nomad_addr"] !== "default") ids.add("nomad");
    return [...ids];
  }

  /** Closes every backend that was built. */
  async close(): Promise<void> {
    const built = [...this.#backends.values()];
    this.#backends.clear();
    await Promise.all(built.map(async (p) => (await p.catch(() => undefined))?.close?.().catch(() => undefined)));
  }
}
