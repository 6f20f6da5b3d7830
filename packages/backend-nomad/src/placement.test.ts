// Placement explanations from AllocMetric, including the failed-placement evaluation from nomad-api/examples (copied to __fixtures__).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type AllocMetricLike, explainAllocMetric, explainFailedPlacement } from "./placement.js";

const example = JSON.parse(readFileSync(new URL("./__fixtures__/evaluation-failed-placement.json", import.meta.url), "utf8")) as {
  FailedTGAllocs: Record<string, AllocMetricLike>;
};
const ctx = { driver: "docker", datacenters: ["dc1"] };

describe("placement explanation", () => {
  it("explains the recorded evaluation", () => {
    const { explanation, hint } = explainFailedPlacement(example.FailedTGAllocs, ctx);
    expect(explanation).toBe(
      "1 node in dc1 lacks driver docker (2 evaluated, 1 filtered: missing drivers); memory exhausted on 1 node (task main asked for 500 MHz CPU, 65536 MB memory)",
    );
    expect(hint).toContain("enable the docker driver");
  });

  it("says no node has the driver when every node was filtered", () => {
    const text = explainAllocMetric(
      { NodesEvaluated: 3, NodesFiltered: 3, NodesAvailable: { dc1: 3 }, ConstraintFiltered: { "missing drivers": 3 } },
      ctx,
    );
    expect(text).toBe("no node in dc1 has driver docker (3 evaluated, 3 filtered: missing drivers)");
  });

  it("names exhausted dimensions and empty datacenters", () => {
    expect(explainAllocMetric({ NodesEvaluated: 2, NodesExhausted: 2, DimensionExhausted: { memory: 2 } }, ctx)).toBe(
      "memory exhausted on 2 nodes",
    );
    expect(explainAllocMetric({ NodesEvaluated: 0, NodesAvailable: { dc9: 0 } }, ctx)).toBe("no nodes are available in dc9");
  });
});
