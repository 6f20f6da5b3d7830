/** `agentkernel attach NAME`: an interactive shell in a sandbox (raw terminal, resized with the window). */
import { Args, Flags } from "@oclif/core";
import { BaseCommand } from "../base-command.js";
import { attachShell } from "../services/attach.js";

export default class Attach extends BaseCommand<typeof Attach> {
  static override summary = "Open an interactive shell in a running sandbox.";
  static override enableJsonFlag = false;
  static override examples = ["<%= config.bin %> attach my-sandbox", "<%= config.bin %> attach my-sandbox --shell /bin/bash"];
  static override args = { name: Args.string({ required: true, description: "sandbox name" }) };
  static override flags = { shell: Flags.string({ description: "shell to start", default: "/bin/sh" }) };

  async run() {
    const exitCode = await attachShell(await this.context(), this.args.name, this.flags.shell, {
      stdin: process.stdin,
      stdout: process.stdout,
    });
    this.done(exitCode);
  }
}
