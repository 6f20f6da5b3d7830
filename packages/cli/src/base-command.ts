/** BaseCommand: the flags every command shares, the config loaded once, and the one place errors become exit codes. */
import { Command, Flags, type Interfaces } from "@oclif/core";
import { CliContext } from "./services/cli-context.js";
import { debugEnabled, errorJson, formatErrorLine, reportError } from "./services/error-report.js";
import { EXIT } from "./services/exit-codes.js";
import { progressReporter, type ProgressReporter } from "./services/progress.js";

/** Flags of a command class, base flags included. */
export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)["baseFlags"] & T["flags"]>;
/** Args of a command class. */
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T["args"]>;

function isExit(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "EEXIT";
}

/**
 * Every agentkernel command extends this. `run()` parses nothing itself: `this.flags`/`this.args`/`this.argv`
 * are ready, `this.context()` loads the config once, and a thrown error is printed and mapped to its exit code here.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    config: Flags.string({ description: "config file to use instead of ./agentkernel.toml", helpGroup: "GLOBAL" }),
    backend: Flags.option({ options: ["local", "nomad"] as const, description: "backend to use", helpGroup: "GLOBAL" })(),
    verbose: Flags.boolean({ description: "show stack traces and causes of errors", helpGroup: "GLOBAL" }),
  };

  protected flags!: CommandFlags<T>;
  protected args!: CommandArgs<T>;
  /** Every positional argument (declared args first), e.g. the command after `--` for exec and run. */
  protected positionals: string[] = [];
  #context: CliContext | undefined;
  readonly #abort = new AbortController();
  #onSigint: (() => void) | undefined;

  override async init(): Promise<void> {
    await super.init();
    const ctor = this.ctor as typeof BaseCommand;
    const { args, argv, flags } = await this.parse({
      args: this.ctor.args,
      baseFlags: ctor.baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      flags: this.ctor.flags,
      strict: this.ctor.strict,
    });
    this.flags = flags as CommandFlags<T>;
    this.args = args as CommandArgs<T>;
    // this.argv stays the raw argv: oclif's jsonEnabled() looks for --json in it.
    this.positionals = argv as string[];
  }

  /** The config (loaded once) and lazily built backends. Ctrl-C from here on aborts backend calls. */
  protected async context(): Promise<CliContext> {
    if (!this.#context) {
      this.#context = await CliContext.load({
        ...(this.flags.config !== undefined ? { configPath: this.flags.config } : {}),
        ...(this.flags.backend !== undefined ? { backend: this.flags.backend } : {}),
        signal: this.#abort.signal,
        warn: (message) => this.logToStderr(`agentkernel: warning: ${message}`),
      });
      for (const warning of this.#context.warnings) this.logToStderr(`agentkernel: warning: ${warning}`);
      // First Ctrl-C ends the remote work cleanly (exec kills its command); a second one exits at once.
      this.#onSigint = () => {
        if (this.#abort.signal.aborted) process.exit(EXIT.interrupted);
        this.#abort.abort();
      };
      process.on("SIGINT", this.#onSigint);
    }
    return this.#context;
  }

  /** Start progress on stderr: only on a terminal, never with --json. */
  protected progress(): ProgressReporter {
    return progressReporter(process.stderr, !this.jsonEnabled());
  }

  /** Ends the command with `code` after output is written (a remote exit code, a failed doctor). */
  protected done(code: number): void {
    if (code !== 0) this.exit(code);
  }

  /** Plain JSON on stdout (no colours, so scripts can parse it). */
  protected override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }

  /** The only place an error turns into output and an exit code. */
  protected override async catch(error: Error & { exitCode?: number }): Promise<void> {
    if (isExit(error)) throw error;
    const secrets = [...(this.#context?.secrets ?? []), process.env.NOMAD_TOKEN, process.env.AGENTKERNEL_API_KEY];
    const report = reportError(error, secrets);
    if (this.jsonEnabled()) this.logJson(errorJson(report));
    else {
      process.stderr.write(`${formatErrorLine(report)}\n`);
      if (this.flags?.verbose || debugEnabled()) process.stderr.write(`${report.detail}\n`);
    }
    this.exit(report.exitCode);
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    if (this.#onSigint) process.off("SIGINT", this.#onSigint);
    await this.#context?.close();
    await super.finally(error);
  }
}
