/** `agentkernel exec NAME -- CMD ARGS...`: runs a command in a sandbox; its exit code becomes this command's. */
import { Args, Flags } from "@oclif/core";
import { BaseCommand } from "../base-command.js";
import { execInSandbox } from "../services/exec.js";
import { localTerminal } from "../services/terminal.js";

export default class Exec extends BaseCommand<typeof Exec> {
  static override summary = "Run a command in a running sandbox; its exit code is passed through.";
  static override description =
    "Put the command after --. stdin is piped through with -i or whenever it is not a terminal; stdout and stderr stay apart. Ctrl-C ends the remote command.";
  static override strict = false;
  static override usage = "exec NAME [-i] [-t] [--env K=V]... [--workdir DIR] [--timeout DUR] -- CMD [ARGS...]";
  static override examples = [
    '<%= config.bin %> exec my-sandbox -- echo "hello from nomad"',
    "cat data.csv | <%= config.bin %> exec my-sandbox -- wc -l",
    "<%= config.bin %> exec -it my-sandbox -- /bin/sh",
    "<%= config.bin %> exec my-sandbox --env MODE=test --workdir /tmp --timeout 30s -- sh -c 'echo $MODE; pwd'",
  ];
  static override args = { name: Args.string({ required: true, description: "sandbox name" }) };
  static override flags = {
    interactive: Flags.boolean({ char: "i", description: "pass stdin even when it is a terminal" }),
    tty: Flags.boolean({ char: "t", description: "allocate a terminal (stderr merges into stdout)" }),
    env: Flags.string({ description: "environment variable K=V (repeatable)", multiple: true }),
    workdir: Flags.string({ description: "working directory inside the sandbox" }),
    timeout: Flags.string({ description: "end the command after this long, e.g. 30s, 5m" }),
  };

  async run() {
    const terminal = localTerminal({ interactive: this.flags.interactive, tty: this.flags.tty, json: this.jsonEnabled() });
    let exitCode: number;
    try {
      exitCode = await execInSandbox(
        await this.context(),
        {
          name: this.args.name,
          command: this.positionals.slice(1),
          env: this.flags.env,
          workdir: this.flags.workdir,
          timeout: this.flags.timeout,
        },
        terminal.io,
      );
    } finally {
      terminal.restore();
    }
    const captured = terminal.captured();
    if (captured) this.logJson({ exitCode, ...captured });
    this.done(exitCode);
  }
}
