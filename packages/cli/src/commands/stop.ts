/** `agentkernel stop NAME`: stops a sandbox, keeping its definition so `start` works again. */
import { Args } from "@oclif/core";
import { BaseCommand } from "../base-command.js";
import { stopSandbox } from "../services/lifecycle.js";

export default class Stop extends BaseCommand<typeof Stop> {
  static override summary = "Stop a sandbox (it can be started again).";
  static override examples = ["<%= config.bin %> stop my-sandbox"];
  static override args = { name: Args.string({ required: true, description: "sandbox name" }) };

  async run() {
    const result = await stopSandbox(await this.context(), this.args.name);
    this.log(`stopped sandbox ${result.name}`);
    return result;
  }
}
