/** `agentkernel list` (alias ls): sandboxes of every configured backend as a table. */
import { Flags } from "@oclif/core";
import { BaseCommand } from "../base-command.js";
import { renderSandboxTable } from "../services/format.js";
import { listSandboxes } from "../services/lifecycle.js";
import { parseLabelFlags } from "../services/parse-input.js";

export default class List extends BaseCommand<typeof List> {
  static override aliases = ["ls"];
  static override summary = "List sandboxes (name, backend, status, image, age, node/alloc).";
  static override examples = [
    "<%= config.bin %> list",
    "<%= config.bin %> ls --backend nomad --label team=ml",
    "<%= config.bin %> ls --json",
  ];
  static override flags = {
    label: Flags.string({ description: "only sandboxes with this label K=V (repeatable)", multiple: true }),
  };

  async run() {
    const labels = parseLabelFlags(this.flags.label);
    const result = await listSandboxes(await this.context(), Object.keys(labels).length > 0 ? labels : undefined);
    for (const warning of result.warnings) this.logToStderr(`agentkernel: warning: ${warning}`);
    this.log(renderSandboxTable(result.sandboxes));
    return result;
  }
}
