/** Runs the published conformance suite against the local backend with real bubblewrap sandboxes. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testBackend } from "@agentkernel/backend-conformance";
import { createLocalBackend } from "./index.js";

testBackend({
  name: "local (bwrap)",
  create: async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "ak-local-conf-"));
    return {
      backend: createLocalBackend({ stateDir, logger: () => {} }),
      cleanup: () => rm(stateDir, { recursive: true, force: true }),
    };
  },
});
