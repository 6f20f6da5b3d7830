// Proves the suite can fail: each case is run against a reference backend with one deliberate bug and must throw.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Backend } from "@agentkernel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BREAKAGES } from "./__fixtures__/broken-backends.js";
import { createCaseContext } from "./case-context.js";
import { CONFORMANCE_CASES } from "./cases/index.js";
import { createReferenceBackend } from "./reference-backend.js";
import { testBackend } from "./test-backend.js";

let rootDir: string;
let reference: Backend;

beforeAll(async () => {
  rootDir = await mkdtemp(join(tmpdir(), "akc-broken-"));
  reference = createReferenceBackend({ rootDir });
});

afterAll(async () => {
  await reference.close?.();
  await rm(rootDir, { recursive: true, force: true });
});

/** Runs one case by id against `backend` in a fresh context, cleaning up its sandboxes. */
async function runCase(id: string, backend: Backend): Promise<{ violations: string[] }> {
  const testCase = CONFORMANCE_CASES.find((c) => c.id === id);
  if (!testCase) throw new Error(`no case ${id}`);
  const handle = createCaseContext(backend);
  try {
    await testCase.run(handle.ctx);
  } finally {
    await handle.dispose();
  }
  return { violations: handle.violations };
}

// Concurrent: each breakage has its own context and sandbox names, and most of the time is spent waiting.
describe.concurrent("each deliberate bug makes its case fail", () => {
  it.for(BREAKAGES)("$bug → $caseId fails", async ({ caseId, expect: pattern, wrap }, { expect: expectHere }) => {
    await expectHere(runCase(caseId, wrap(reference))).rejects.toThrow(pattern);
  });
});

describe("the errors/all-core case", () => {
  it("fails after a case met a non-core error, and names the method", async () => {
    const broken: Backend = {
      ...reference,
      get: async () => {
        throw new TypeError("fetch failed");
      },
    };
    const handle = createCaseContext(broken);
    const getMissing = CONFORMANCE_CASES.find((c) => c.id === "lifecycle/get-missing");
    const allCore = CONFORMANCE_CASES.find((c) => c.id === "errors/all-core");
    await expect(getMissing?.run(handle.ctx)).rejects.toThrow(/reference\.get\(\) threw TypeError: fetch failed/);
    await expect(allCore?.run(handle.ctx)).rejects.toThrow(/non-core errors thrown by the backend/);
    await handle.dispose();
  });

  it("passes for the unbroken reference backend after a failing lookup", async () => {
    const handle = createCaseContext(reference);
    for (const id of ["lifecycle/get-missing", "errors/all-core"]) {
      await CONFORMANCE_CASES.find((c) => c.id === id)?.run(handle.ctx);
    }
    expect(handle.violations).toEqual([]);
    await handle.dispose();
  });
});

describe("testBackend options", () => {
  it("rejects a skip entry naming a test id the suite does not have", () => {
    expect(() => testBackend({ create: async () => reference, skip: [{ reason: "typo", tests: ["exec/ttty"] }] })).toThrow(
      /unknown test id "exec\/ttty"/,
    );
  });

  it("rejects a skip entry without a reason", () => {
    expect(() => testBackend({ create: async () => reference, skip: [{ reason: " ", tests: ["exec/tty"] }] })).toThrow(
      /needs a reason/,
    );
  });
});
