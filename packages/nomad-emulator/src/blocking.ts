/** Blocking queries: `index` + `wait` (Go duration, default 5 m, capped at 300 s, plus jitter up to wait/16). */
import { HttpError } from "./http-util.js";
import type { State, TableName } from "./state.js";

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration string to ms; undefined when invalid. */
export function parseGoDuration(s: string): number | undefined {
  if (s === "0") return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * (UNITS[m[2] ?? ""] ?? 0);
    pos = re.lastIndex;
  }
  return pos === 0 ? undefined : total;
}

/** Query options of a blocking read. */
export interface BlockingParams {
  index: number;
  waitMs: number;
}

const MAX_WAIT_MS = 300_000;
const DEFAULT_WAIT_MS = 300_000;

/** Reads `index` / `wait` with Nomad's 400 texts. */
export function parseBlocking(url: URL): BlockingParams {
  const idx = url.searchParams.get("index");
  const wait = url.searchParams.get("wait");
  let index = 0;
  if (idx !== null && idx !== "") {
    if (!/^\d+$/.test(idx)) throw new HttpError(400, "Invalid index");
    index = Number(idx);
  }
  let waitMs = DEFAULT_WAIT_MS;
  if (wait !== null && wait !== "") {
    const ms = parseGoDuration(wait);
    if (ms === undefined) throw new HttpError(400, "Invalid wait time");
    waitMs = ms;
  }
  return { index, waitMs: Math.min(waitMs, MAX_WAIT_MS) };
}

/**
 * Runs `query` until its result index exceeds `index`, the wait (plus jitter) passes, or the client goes away.
 * Like Nomad, a return does not prove a change: a timeout returns the current result.
 * `watch` names the tables the result index derives from; writes to other tables do not re-run the query
 * (so many watchers of a large list stay cheap).
 */
export async function blockingQuery<T extends { index: number }>(
  state: State,
  p: BlockingParams,
  query: () => T,
  signal: AbortSignal,
  watch?: TableName[],
): Promise<T> {
  let result = query();
  if (p.index === 0 || result.index > p.index) return result;
  const jitter = Math.random() * (p.waitMs / 16);
  const deadline = Date.now() + p.waitMs + jitter;
  while (result.index <= p.index && !signal.aborted) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        off();
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, left);
      const off = state.onChange(() => {
        if (!watch || watch.some((t) => state.tables[t] > p.index)) done();
      });
      signal.addEventListener("abort", done);
    });
    result = query();
  }
  return result;
}
