// Which failures are worth repeating, and the exponential backoff with jitter between tries.
import type { NomadRetryConfig } from "./config.js";
import { NomadConnectionError, NomadResponseError } from "./errors.js";

// Transient socket-level failures; TLS, DNS-not-found and bad-socket-path errors are not retried: they will not heal.
const transientCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** True for connection errors, 503 and Nomad's 500 `No cluster leader` (a leader election is under way). */
export function isRetryable(err: unknown): boolean {
  if (err instanceof NomadConnectionError) return err.code !== undefined && transientCodes.has(err.code);
  if (err instanceof NomadResponseError) {
    return err.statusCode === 503 || (err.statusCode === 500 && err.body.includes("No cluster leader"));
  }
  return false;
}

/** Delay before try `attempt + 1`: exponential, capped, with "equal jitter" so many clients spread out. */
export function backoffMs(retry: NomadRetryConfig, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return cap / 2 + random() * (cap / 2);
}

/** Waits the backoff delay; rejects at once if `signal` aborts. */
export function sleep(retry: NomadRetryConfig, attempt: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      backoffMs(retry, attempt),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
