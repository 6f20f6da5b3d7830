/** testBackend(): registers the conformance cases as vitest tests against one backend instance. */
import { assertSupportedBackend, type Backend, type SandboxSpec } from "@agentkernel/core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type CaseContextHandle, createCaseContext } from "./case-context.js";
import { CONFORMANCE_CASE_IDS, CONFORMANCE_CASES } from "./cases/index.js";
import { unsupportedReason } from "./conformance-case.js";

/** Options of {@link testBackend}. */
export interface TestBackendOptions {
  /** Name shown in describe(). */
  name?: string;
  /**
   * Called once (beforeAll); returns a backend and an optional cleanup. A bare backend is closed
   * (`close()`) after the suite; a returned `cleanup` runs instead and owns closing it.
   */
  create: () => Promise<Backend | { backend: Backend; cleanup?: () => Promise<void> }>;
  /** Spec fields to merge into every sandbox the suite creates (e.g. { image: "alpine:3.20" }). */
  spec?: Partial<SandboxSpec>;
  /** Named skips: each entry says why. Test ids are like "exec/tty". */
  skip?: { reason: string; tests: string[] }[];
  /** Per-test timeout (default 60 s). */
  timeoutMs?: number;
}

function isBackend(value: Backend | { backend: Backend }): value is Backend {
  return "specificationVersion" in value;
}

/** Maps each named-skip id to its reason, failing loudly on ids the suite does not have (typos skip nothing). */
function skipReasons(skip: TestBackendOptions["skip"]): Map<string, string> {
  const reasons = new Map<string, string>();
  for (const entry of skip ?? []) {
    if (!entry.reason.trim()) throw new Error("testBackend: every skip entry needs a reason");
    for (const id of entry.tests) {
      if (!CONFORMANCE_CASE_IDS.includes(id)) {
        throw new Error(
          `testBackend: unknown test id ${JSON.stringify(id)} in skip; known ids: ${CONFORMANCE_CASE_IDS.join(", ")}`,
        );
      }
      reasons.set(id, entry.reason);
    }
  }
  return reasons;
}

/**
 * Registers the conformance suite for one backend: a describe() with one test per case.
 * Named skips are decided when tests are collected (`it.skipIf`, reason in the title). Capability
 * gates need the backend, which exists only after `create` ran in beforeAll, so those cases carry
 * their requirement in the title and skip at run time when the backend does not declare it.
 */
export function testBackend(options: TestBackendOptions): void {
  const reasons = skipReasons(options.skip);
  const timeout = options.timeoutMs ?? 60_000;
  let handle: CaseContextHandle | undefined;
  let cleanup: (() => Promise<void>) | undefined;

  describe(`backend conformance: ${options.name ?? "backend"}`, () => {
    beforeAll(async () => {
      const created = await options.create();
      const backend = isBackend(created) ? created : created.backend;
      // A bare backend is closed by the suite; with { backend, cleanup } the cleanup owns closing.
      cleanup = isBackend(created) ? async () => created.close?.() : created.cleanup;
      handle = createCaseContext(assertSupportedBackend(backend), { spec: options.spec });
    }, timeout);

    afterAll(async () => {
      await handle?.dispose();
      await cleanup?.();
    }, timeout);

    for (const testCase of CONFORMANCE_CASES) {
      const reason = reasons.get(testCase.id);
      const needs = testCase.requires ? ` (needs capabilities.${testCase.requires.join(" and ")})` : "";
      const title = reason
        ? `${testCase.id}: ${testCase.title} (skipped: ${reason})`
        : `${testCase.id}: ${testCase.title}${needs}`;
      it.skipIf(reason !== undefined)(
        title,
        async ({ skip }) => {
          if (!handle) throw new Error("testBackend: the backend was not created (see the beforeAll failure)");
          // Capabilities are known only now (create ran in beforeAll), so this skip happens at run time.
          const unsupported = unsupportedReason(testCase, handle.ctx.capabilities);
          if (unsupported) skip(`${testCase.id} skipped: ${unsupported}`);
          await testCase.run(handle.ctx);
        },
        timeout,
      );
    }
  });
}
