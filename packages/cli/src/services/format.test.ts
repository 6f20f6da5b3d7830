// Human rendering: ages, the list table (node/alloc only where a backend reports them) and the status view.
import type { SandboxInfo } from "@agentkernel/core";
import { describe, expect, it } from "vitest";
import { formatAge, renderSandboxDetail, renderSandboxTable } from "./format.js";

const now = new Date("2026-01-02T03:04:05Z");
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

function info(over: Partial<SandboxInfo>): SandboxInfo {
  return { name: "a", backend: "local", status: "running", labels: {}, createdAt: ago(5), refs: {}, ...over };
}

describe("format", () => {
  it("ages in the largest whole unit", () => {
    expect([5, 59, 60, 3599, 3600, 86_399, 86_400, 3 * 86_400].map((s) => formatAge(ago(s), now))).toEqual([
      "5s",
      "59s",
      "1m",
      "59m",
      "1h",
      "23h",
      "1d",
      "3d",
    ]);
    expect(formatAge(ago(-10), now)).toBe("0s");
  });

  it("renders the list table with node/alloc for nomad rows", () => {
    const table = renderSandboxTable(
      [
        info({ name: "loc", image: undefined }),
        info({
          name: "job-42",
          backend: "nomad",
          image: "alpine:3.20",
          createdAt: ago(7200),
          refs: { nodeId: "a978ca3f-e15d", allocId: "7be7209a-814c" },
        }),
      ],
      now,
    );
    expect(table.split("\n")).toEqual([
      "NAME    BACKEND  STATUS   IMAGE        AGE  NODE/ALLOC",
      "loc     local    running               5s",
      "job-42  nomad    running  alpine:3.20  2h   a978ca3f/7be7209a",
    ]);
    expect(renderSandboxTable([], now)).toMatch(/no sandboxes; create one with/);
  });

  it("shows every reference in the detail view", () => {
    const text = renderSandboxDetail(
      info({
        statusDetail: "Task started",
        labels: { team: "ml" },
        refs: { jobId: "agentkernel-a", allocId: "x", evalId: undefined },
      }),
    );
    expect(text).toMatch(/^name: +a$/m);
    expect(text).toMatch(/^status: +running \(Task started\)$/m);
    expect(text).toMatch(/^labels: +team=ml$/m);
    expect(text).toMatch(/^jobId: +agentkernel-a$/m);
    expect(text).not.toMatch(/evalId/);
  });
});
