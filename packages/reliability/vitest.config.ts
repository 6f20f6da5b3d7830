import { defineProject } from "vitest/config";

// Short counts by default (pnpm test); RELIABILITY_FULL=1 gives the full counts (pnpm test:reliability).
export default defineProject({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    name: "@agentkernel/reliability",
    include: ["src/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
