// The TTL `run` gives its throwaway sandbox, so a reaper removes it when the CLI dies before its own cleanup.
import { hasErrorCode } from "@agentkernel/core";
import { describe, expect, it } from "vitest";
import { RUN_DEFAULT_TTL_SECONDS, RUN_TTL_MARGIN_SECONDS, runTtl } from "./run.js";

describe("run TTL", () => {
  it("is --timeout plus the margin, one hour without a timeout, --ttl when given, none for a kept sandbox", () => {
    expect(runTtl({})).toBe(`${RUN_DEFAULT_TTL_SECONDS}s`);
    expect(RUN_DEFAULT_TTL_SECONDS).toBe(3_600);
    expect(runTtl({ timeout: "30s" })).toBe(`${30 + RUN_TTL_MARGIN_SECONDS}s`);
    expect(runTtl({ timeout: "1500ms" })).toBe(`${2 + RUN_TTL_MARGIN_SECONDS}s`);
    expect(runTtl({ timeout: "2h", ttl: "5m" })).toBe("5m");
    expect(runTtl({ keep: true, timeout: "30s" })).toBeUndefined();
    expect(runTtl({ keep: true, ttl: "1d" })).toBe("1d");
  });

  it("refuses a bad --timeout as the exec would (INVALID_INPUT), before anything is created", () => {
    let err: unknown;
    try {
      runTtl({ timeout: "30" });
    } catch (e) {
      err = e;
    }
    expect(hasErrorCode(err, "INVALID_INPUT")).toBe(true);
  });
});
