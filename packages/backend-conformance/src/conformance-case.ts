/** The shape of one conformance case: a plain async function over a context, so tests can call it directly. */
import type { Backend, BackendCapabilities, SandboxSpec } from "@agentkernel/core";

/** What every case receives. `backend` is already wrapped by the error-checking proxy. */
export interface CaseContext {
  /** The backend under test, wrapped so that any non-core error fails the case at once. */
  readonly backend: Backend;
  /** Shorthand for `backend.capabilities`. */
  readonly capabilities: BackendCapabilities;
  /** A fresh, valid sandbox name unique to this run (`akc-<run>-<label>-<n>`), tracked for cleanup. */
  name(label: string): string;
  /** A full spec for `name`: the suite options' `spec` merged with `extra`. */
  spec(name: string, extra?: Partial<SandboxSpec>): SandboxSpec;
  /** A running sandbox shared by exec/files/logs cases; created and started on first use. */
  shared(): Promise<string>;
  /** Labels that mark every sandbox of this run (used by list filters and cleanup). */
  readonly runLabels: Record<string, string>;
  /** Every non-core error the backend has thrown so far in this run (filled by the checking proxy). */
  readonly violations: readonly string[];
}

/** One named case. `id` is what `skip[].tests` refers to, e.g. "exec/tty". */
export interface ConformanceCase {
  id: string;
  /** One line saying what the case proves. */
  title: string;
  /** Capabilities that must all be true for the case to run; otherwise it is skipped with the reason. */
  requires?: (keyof BackendCapabilities)[];
  run: (ctx: CaseContext) => Promise<void>;
}

/** Why `testCase` does not apply to `capabilities` ("capabilities.tty is false"), or undefined when it runs. */
export function unsupportedReason(testCase: ConformanceCase, capabilities: BackendCapabilities): string | undefined {
  const missing = (testCase.requires ?? []).filter((key) => !capabilities[key]);
  return missing.length === 0 ? undefined : missing.map((key) => `capabilities.${key} is false`).join(", ");
}
