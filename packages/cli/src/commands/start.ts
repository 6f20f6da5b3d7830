/** `agentkernel start NAME`: starts a sandbox and waits until it can run commands. */
import { Args } from "@oclif/core";
import { BaseCommand } from "../base-command.js";
import { startSandbox } from "../services/lifecycle.js";

export default class Start extends BaseCommand<typeof Start> {
  static override summary = "Start a sandbox and wait until it is running.";
  static override examples = ["<%= config.bin %> start my-sandbox", "<%= config.bin %> start my-sandbox --json"];
  static override args = { name: Args.string({ required: true, description: "sandbox name" }) };

  async run() {
    const progress = this.progress();
    try {
      const info = await startSandbox(await this.context(), this.args.name, progress.onProgress);
      progress.done();
      this.log(`started sandbox ${info.name} (${info.status})`);
      return info;
    } finally {
      progress.done();
    }
  }
}
