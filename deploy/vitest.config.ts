import { defineProject } from "vitest/config";

export default defineProject({
  // Workspace packages (the config loader from @agentkernel/core) are read from source: no build needed.
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: { name: "@agentkernel/deploy", include: ["test/**/*.test.ts"] },
});
