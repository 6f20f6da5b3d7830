// LatencyHistogram: cumulative buckets and nearest-rank quantiles over a bounded window.
import { describe, expect, it } from "vitest";
import { LatencyHistogram, quantile } from "./metrics.js";
import { deficit } from "./upkeep.js";

describe("metrics", () => {
  it("counts cumulatively per bucket and reports p50/p99", () => {
    const h = new LatencyHistogram([1, 10, 100]);
    for (let i = 1; i <= 100; i++) h.observe(i);
    const s = h.snapshot();
    expect(s.buckets).toEqual([
      { le: 1, count: 1 },
      { le: 10, count: 10 },
      { le: 100, count: 100 },
      { le: Number.POSITIVE_INFINITY, count: 100 },
    ]);
    expect(s).toMatchObject({ count: 100, sumMs: 5050, p50: 50, p99: 99 });
  });

  it("keeps quantiles to the most recent window", () => {
    const h = new LatencyHistogram([1], 3);
    for (const ms of [1000, 1000, 1000, 1, 2, 3]) h.observe(ms);
    expect(h.snapshot()).toMatchObject({ count: 6, p50: 2, p99: 3 });
    expect(quantile([], 0.5)).toBeUndefined();
  });

  it("upkeep's deficit fills to target and never passes max", () => {
    expect(deficit({ warm: 0, pending: 0, claimed: 0 }, 10, 50)).toBe(10);
    expect(deficit({ warm: 4, pending: 3, claimed: 0 }, 10, 50)).toBe(3);
    expect(deficit({ warm: 0, pending: 0, claimed: 48 }, 10, 50)).toBe(2);
    expect(deficit({ warm: 12, pending: 0, claimed: 0 }, 10, 50)).toBe(0);
  });
});
