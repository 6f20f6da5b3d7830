/** `agentkernel config validate`: checks the config files and env; exit 2 with each error's file, key and fix. */
import { BaseCommand } from "../../base-command.js";
import { renderValidate, validateConfig } from "../../services/config.js";
import { EXIT } from "../../services/exit-codes.js";

export default class ConfigValidate extends BaseCommand<typeof ConfigValidate> {
  static override summary = "Validate the config (exit 2 when it has errors).";
  static override examples = [
    "<%= config.bin %> config validate",
    "<%= config.bin %> config validate --config ./agentkernel.toml --json",
  ];

  async run() {
    const result = await validateConfig({
      ...(this.flags.config !== undefined ? { configPath: this.flags.config } : {}),
      ...(this.flags.backend !== undefined ? { flags: { orchestrator: { provider: this.flags.backend } } } : {}),
    });
    if (this.jsonEnabled()) {
      const error = result.valid ? {} : { error: { code: "INVALID_INPUT", message: `${result.errors.length} config error(s)` } };
      this.logJson({ success: result.valid, ...error, ...result });
    } else if (result.valid) this.log(renderValidate(result));
    else process.stderr.write(`${renderValidate(result)}\n`);
    this.done(result.valid ? EXIT.ok : EXIT.usage);
  }
}
