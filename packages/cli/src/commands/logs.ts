/** `agentkernel logs NAME [-f]`: the sandbox main task's stdout and stderr. */
import { Args, Flags } from "@oclif/core";
import { BaseCommand } from "../base-command.js";
import { streamLogs } from "../services/logs.js";

export default class Logs extends BaseCommand<typeof Logs> {
  static override summary = "Print a sandbox's task output (stdout and stderr kept apart).";
  static override examples = ["<%= config.bin %> logs my-sandbox", "<%= config.bin %> logs -f my-sandbox"];
  static override enableJsonFlag = false;
  static override args = { name: Args.string({ required: true, description: "sandbox name" }) };
  static override flags = { follow: Flags.boolean({ char: "f", description: "keep printing new output until Ctrl-C" }) };

  async run() {
    await streamLogs(await this.context(), this.args.name, this.flags.follow, { stdout: process.stdout, stderr: process.stderr });
  }
}
