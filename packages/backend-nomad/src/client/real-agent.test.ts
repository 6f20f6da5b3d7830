import { NotFoundError } from "@agentkernel/core";
import { describe, expect, it } from "vitest";
import { nomadConfigFromEnv } from "./config.js";
import { NomadClient } from "./nomad-client.js";

// Runs only against a real agent (`NOMAD_ADDR=http://127.0.0.1:4646 pnpm test:nomad`); read-only calls, nothing is created.
describe.runIf(process.env.NOMAD_ADDR)("real Nomad agent (read-only smoke)", () => {
  it("reaches the agent with the NOMAD_* environment and reads cluster state", async () => {
    const client = new NomadClient(nomadConfigFromEnv());
    try {
      expect((await client.status.leader()).data).not.toBe("");
      const jobs = await client.jobs.list({ perPage: 1 });
      expect(jobs.meta.lastIndex).toBeGreaterThan(0);
      await expect(client.jobs.info("agentkernel-no-such-job-7f3a")).rejects.toThrow(NotFoundError);
      await expect(client.allocations.info("00000000-0000-4000-8000-000000000000")).rejects.toThrow(NotFoundError);
    } finally {
      await client.close();
    }
  });
});
