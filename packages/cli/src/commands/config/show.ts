/** `agentkernel config show`: the effective config and where each value came from, secrets redacted. */
import { BaseCommand } from "../../base-command.js";
import { renderConfigShow, showConfig } from "../../services/config.js";

export default class ConfigShow extends BaseCommand<typeof ConfigShow> {
  static override summary = "Show the effective config with the source of each value (tokens redacted).";
  static override examples = ["<%= config.bin %> config show", "<%= config.bin %> config show --config ./ci.toml --json"];

  async run() {
    const show = showConfig(await this.context());
    this.log(renderConfigShow(show));
    return show;
  }
}
