/** Builds the context the cases run in: unique names, merged specs, a shared running sandbox and cleanup. */
import { randomBytes } from "node:crypto";
import { type Backend, SANDBOX_NAME_PATTERN, type SandboxSpec } from "@agentkernel/core";
import type { CaseContext } from "./conformance-case.js";
import { withErrorChecks } from "./error-check.js";

/** Label key put on every sandbox the suite creates; the value is the run id. */
export const RUN_LABEL = "agentkernel-conformance";

export interface CaseContextOptions {
  /** Spec fields merged into every sandbox (e.g. `{ image: "alpine:3.20" }`). */
  spec?: Partial<SandboxSpec>;
  /** Run id used in names and labels; random when absent. */
  runId?: string;
}

export interface CaseContextHandle {
  ctx: CaseContext;
  /** Every non-core error the backend threw so far, one line each. */
  violations: string[];
  /** Removes every sandbox this context named (errors ignored: cleanup must not mask a failure). */
  dispose(): Promise<void>;
}

/** Creates a context over `backend` (wrapped with the error-checking proxy). */
export function createCaseContext(backend: Backend, options: CaseContextOptions = {}): CaseContextHandle {
  const runId = options.runId ?? randomBytes(4).toString("hex").slice(0, 6);
  const violations: string[] = [];
  const checked = withErrorChecks(backend, violations);
  const named = new Set<string>();
  const runLabels = { [RUN_LABEL]: runId };
  let counter = 0;
  let shared: Promise<string> | undefined;

  const name = (label: string): string => {
    counter += 1;
    const cleanLabel = label
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .slice(0, 30);
    const candidate = `akc-${runId}-${cleanLabel}-${counter}`.replace(/-+/g, "-");
    if (!SANDBOX_NAME_PATTERN.test(candidate)) throw new Error(`conformance suite bug: generated invalid name ${candidate}`);
    named.add(candidate);
    return candidate;
  };

  const spec = (sandboxName: string, extra: Partial<SandboxSpec> = {}): SandboxSpec => ({
    ...options.spec,
    ...extra,
    name: sandboxName,
    labels: { ...options.spec?.labels, ...extra.labels, ...runLabels },
  });

  const ctx: CaseContext = {
    backend: checked,
    capabilities: backend.capabilities,
    runLabels,
    violations,
    name,
    spec,
    shared: () => {
      shared ??= (async () => {
        const sandboxName = name("shared");
        await checked.create(spec(sandboxName));
        await checked.start(sandboxName);
        return sandboxName;
      })();
      return shared;
    },
  };

  const dispose = async (): Promise<void> => {
    await Promise.all(
      [...named].map(async (sandboxName) => {
        try {
          await backend.remove(sandboxName);
        } catch {
          // Best effort: a failing remove is reported by the lifecycle cases, not by cleanup.
        }
      }),
    );
  };

  return { ctx, violations, dispose };
}
