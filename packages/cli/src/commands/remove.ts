/** `agentkernel remove NAME` (alias rm): removes a sandbox and everything in it. */
import { Args, Flags } from "@oclif/core";
import { BaseCommand } from "../base-command.js";
import { removeSandbox } from "../services/lifecycle.js";

export default class Remove extends BaseCommand<typeof Remove> {
  static override aliases = ["rm"];
  static override summary = "Remove a sandbox and everything in it.";
  static override examples = ["<%= config.bin %> remove my-sandbox", "<%= config.bin %> rm --force my-sandbox"];
  static override args = { name: Args.string({ required: true, description: "sandbox name" }) };
  static override flags = {
    force: Flags.boolean({ char: "f", description: "remove even if running; no error if it does not exist" }),
  };

  async run() {
    const result = await removeSandbox(await this.context(), this.args.name, this.flags.force);
    this.log(`removed sandbox ${result.name}`);
    return result;
  }
}
