import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    name: "@agentkernel/cli",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // End-to-end tests spawn the built CLI many times on a shared 2-core machine: generous waits, no timing asserts.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
