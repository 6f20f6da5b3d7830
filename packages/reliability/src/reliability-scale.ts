/** Suite sizes: bounded counts under `pnpm test`, the full counts with RELIABILITY_FULL=1 (`pnpm test:reliability`). */

/** True when the full-size suites were asked for. */
export const FULL = process.env.RELIABILITY_FULL === "1";

/** `short` under `pnpm test`, `full` under RELIABILITY_FULL=1. */
export function count(short: number, full: number): number {
  return FULL ? full : short;
}

/** Prints a suite's counts in one greppable line (`R2: 200 lifecycles, 180 completed, …`). */
export function report(suite: string, counts: Record<string, number | string>): void {
  const parts = Object.entries(counts).map(([k, v]) => `${k}=${v}`);
  process.stdout.write(`[reliability] ${suite}${FULL ? " (full)" : " (short)"}: ${parts.join(", ")}\n`);
}
