import { AbortedError, BackendUnavailableError, NotFoundError } from "@agentkernel/core";
import { describe, expect, it } from "vitest";
import { watch } from "./blocking.js";
import type { QueryResponse } from "./params.js";

const retry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

/** A scripted server: each call returns the next index (or throws), recording the index the client sent. */
function scripted(steps: (number | Error)[]) {
  const sent: number[] = [];
  const fetch = async (q: { index: number; waitMs: number }): Promise<QueryResponse<number>> => {
    sent.push(q.index);
    const step = steps.shift();
    if (step === undefined) throw new NotFoundError("script exhausted");
    if (step instanceof Error) throw step;
    return { data: step, meta: { lastIndex: step, knownLeader: true, lastContact: 0 } };
  };
  return { fetch, sent };
}

async function take<T>(it: AsyncIterable<QueryResponse<T>>, n: number): Promise<T[]> {
  const out: T[] = [];
  for await (const r of it) {
    out.push(r.data);
    if (out.length === n) break;
  }
  return out;
}

describe("watch (blocking-query loop)", () => {
  it("yields the first answer, skips unchanged indexes, and sends the last index back", async () => {
    const { fetch, sent } = scripted([5, 5, 5, 7, 9]);
    expect(await take(watch(fetch, { waitMs: 1000, retry }), 3)).toEqual([5, 7, 9]);
    expect(sent).toEqual([0, 5, 5, 5, 7]);
  });

  it("resets the index to 0 when the server's index goes backwards (restore, new leader)", async () => {
    const { fetch, sent } = scripted([10, 4, 4, 6]);
    expect(await take(watch(fetch, { waitMs: 1000, retry }), 3)).toEqual([10, 4, 6]);
    expect(sent).toEqual([0, 10, 0, 4]);
  });

  it("treats an index of 0 as 1 so the next call blocks", async () => {
    const { fetch, sent } = scripted([0, 0, 3]);
    expect(await take(watch(fetch, { waitMs: 1000, retry }), 2)).toEqual([0, 3]);
    expect(sent).toEqual([0, 1, 1]);
  });

  it("backs off on transient errors and goes on", async () => {
    const { fetch, sent } = scripted([2, new BackendUnavailableError("no leader"), 3]);
    expect(await take(watch(fetch, { waitMs: 1000, retry }), 2)).toEqual([2, 3]);
    expect(sent).toEqual([0, 2, 2]);
  });

  it("gives up after retry.attempts transient errors in a row, and rethrows others at once", async () => {
    const down = scripted([new BackendUnavailableError("a"), new BackendUnavailableError("b"), new BackendUnavailableError("c")]);
    await expect(take(watch(down.fetch, { waitMs: 1000, retry }), 1)).rejects.toThrow(BackendUnavailableError);
    expect(down.sent).toHaveLength(3);
    const gone = scripted([new NotFoundError("job not found")]);
    await expect(take(watch(gone.fetch, { waitMs: 1000, retry }), 1)).rejects.toThrow(NotFoundError);
    expect(gone.sent).toHaveLength(1);
  });

  it("stops with AbortedError when the signal fires", async () => {
    const ac = new AbortController();
    const { fetch } = scripted([1, 2, 3]);
    const it = watch(fetch, { waitMs: 1000, signal: ac.signal, retry });
    const seen: number[] = [];
    const err = await (async () => {
      for await (const r of it) {
        seen.push(r.data);
        ac.abort();
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual([1]);
    expect(err).toBeInstanceOf(AbortedError);
  });
});
