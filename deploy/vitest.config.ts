import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "@agentkernel/deploy", include: ["test/**/*.test.ts"] },
});
