/** `agentkernel pool reap`: one reaper sweep (expired and leftover sandboxes), for setups without a running server. */
import { BaseCommand } from "../../base-command.js";
import { poolReap } from "../../services/pool.js";

export default class PoolReap extends BaseCommand<typeof PoolReap> {
  static override summary = "Remove expired sandboxes (past their TTL), expired claims and crash leftovers once.";
  static override description =
    "`agentkernel serve` reaps on its own every 30 s; without a server, run this from cron (e.g. every few minutes).";
  static override examples = ["<%= config.bin %> pool reap --backend nomad", "<%= config.bin %> pool reap --json"];

  async run() {
    const result = await poolReap(await this.context());
    this.log(`reaped ${result.reaped} sandbox${result.reaped === 1 ? "" : "es"} on ${result.backend}`);
    return result;
  }
}
