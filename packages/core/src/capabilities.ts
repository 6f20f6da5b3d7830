/** What a backend declares it can do. Callers and the conformance suite decide what to run from this. */

export interface BackendCapabilities {
  /** exec with `tty` (pty, resize). */
  tty: boolean;
  /** `attach()` for an interactive shell. */
  attach: boolean;
  /** readFile/writeFile stream with bounded memory (any size). */
  fileStreaming: boolean;
  /** `logs()` of the sandbox's main process; `logsFollow` when it can follow. */
  logs: boolean;
  logsFollow: boolean;
  /** `network: false` really blocks outbound connections. */
  networkIsolation: boolean;
  /** `readOnlyRoot: true` is enforced. */
  readOnlyRoot: boolean;
  /** cpu/memory limits are enforced (not just recorded). */
  resourceLimits: boolean;
  /** Offers a `warmPool` provider. */
  warmPool: boolean;
  /** Sandboxes are visible from other processes and machines pointed at the same backend. */
  shared: boolean;
}

/** All false: a starting point for backends to override. */
export const NO_CAPABILITIES: BackendCapabilities = {
  tty: false,
  attach: false,
  fileStreaming: false,
  logs: false,
  logsFollow: false,
  networkIsolation: false,
  readOnlyRoot: false,
  resourceLimits: false,
  warmPool: false,
  shared: false,
};
