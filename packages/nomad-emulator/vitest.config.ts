import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    name: "@agentkernel/nomad-emulator",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Tests drive real processes on a shared 2-core box: waits are generous, so the per-test budget must be too.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
