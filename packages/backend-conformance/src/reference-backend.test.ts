// The conformance suite run against the reference backend: the suite's own proof that it passes a correct backend.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createReferenceBackend } from "./reference-backend.js";
import { testBackend } from "./test-backend.js";

testBackend({
  name: "reference",
  create: async () => {
    const rootDir = await mkdtemp(join(tmpdir(), "akc-reference-"));
    const backend = createReferenceBackend({ rootDir });
    return {
      backend,
      cleanup: async () => {
        await backend.close?.();
        await rm(rootDir, { recursive: true, force: true });
      },
    };
  },
});
