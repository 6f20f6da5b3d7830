import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["packages/*", "deploy"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI also writes a JSON report; .ci/run reads it for its `N passed, N failed` line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci/results.json" }]] : ["default"],
  },
});
