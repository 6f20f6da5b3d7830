/** `agentkernel status NAME` (alias info): full detail of one sandbox, Nomad job and alloc IDs included. */
import { Args } from "@oclif/core";
import { BaseCommand } from "../base-command.js";
import { renderSandboxDetail } from "../services/format.js";
import { sandboxStatus } from "../services/lifecycle.js";

export default class Status extends BaseCommand<typeof Status> {
  static override aliases = ["info"];
  static override summary = "Show a sandbox's state and backend references.";
  static override examples = ["<%= config.bin %> status my-sandbox", "<%= config.bin %> info my-sandbox --json"];
  static override args = { name: Args.string({ required: true, description: "sandbox name" }) };

  async run() {
    const info = await sandboxStatus(await this.context(), this.args.name);
    this.log(renderSandboxDetail(info));
    return info;
  }
}
