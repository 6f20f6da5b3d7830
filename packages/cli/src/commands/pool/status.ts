/** `agentkernel pool status`: warm, pending and claimed sandboxes of each configured warm pool. */
import { BaseCommand } from "../../base-command.js";
import { renderTable } from "../../services/format.js";
import { poolStatus } from "../../services/pool.js";

export default class PoolStatus extends BaseCommand<typeof PoolStatus> {
  static override summary = "Show the warm pools (orchestrator.warm_pool_images) and their counts.";
  static override examples = ["<%= config.bin %> pool status", "<%= config.bin %> pool status --backend nomad --json"];

  async run() {
    const result = await poolStatus(await this.context());
    if (result.pools.length === 0) this.log("no warm pools configured; list images in orchestrator.warm_pool_images");
    else {
      const rows = result.pools.map((p) => [
        p.image,
        p.key,
        String(p.warm),
        String(p.pending),
        String(p.claimed),
        `${p.target}/${p.max}`,
      ]);
      this.log(renderTable(["image", "pool", "warm", "pending", "claimed", "target/max"], rows));
    }
    return result;
  }
}
