/** `agentkernel doctor`: checks the backend's prerequisites and prints each check with ✓/✗ and the fix. */
import { BaseCommand } from "../base-command.js";
import { renderChecks } from "../services/doctor-check.js";
import { runDoctor } from "../services/doctor.js";
import { EXIT } from "../services/exit-codes.js";

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary = "Check that the backend can run sandboxes (exit 1 when a check fails).";
  static override examples = [
    "<%= config.bin %> doctor",
    "NOMAD_ADDR=http://nomad:4646 <%= config.bin %> doctor --backend nomad --json",
  ];

  async run() {
    const result = await runDoctor(await this.context());
    if (this.jsonEnabled()) this.logJson(result);
    else
      this.log(
        `${renderChecks(result.checks)}\n${result.ok ? "all checks passed" : "some checks failed"} (${result.backend} backend)`,
      );
    this.done(result.ok ? EXIT.ok : EXIT.checkFailed);
  }
}
