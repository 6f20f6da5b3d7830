// The per-process hints: allocation hints expire and are dropped precisely; registered bodies are used once.
import { describe, expect, it } from "vitest";
import { AllocHints, HINT_TTL_MS } from "./alloc-hints.js";
import type { AllocationListStub, NomadJob } from "./client/index.js";

const alloc = (id: string) => ({ ID: id, JobID: "agentkernel-a" }) as AllocationListStub;
const job = { ID: "agentkernel-a" } as NomadJob;

describe("AllocHints", () => {
  it("trusts an allocation hint only until HINT_TTL_MS after its last confirmation", () => {
    let now = 1_000;
    const hints = new AllocHints(() => now);
    hints.confirm("a", alloc("1"));
    now += HINT_TTL_MS - 1;
    expect(hints.alloc("a")?.ID).toBe("1");
    hints.confirm("a", alloc("1"));
    now += HINT_TTL_MS - 1;
    expect(hints.alloc("a")?.ID).toBe("1");
    now += 2;
    expect(hints.alloc("a")).toBeUndefined();
  });

  it("drops a hint only when it still names the refused allocation", () => {
    const hints = new AllocHints();
    hints.confirm("a", alloc("new"));
    hints.dropAlloc("a", "old");
    expect(hints.alloc("a")?.ID).toBe("new");
    hints.dropAlloc("a", "new");
    expect(hints.alloc("a")).toBeUndefined();
  });

  it("hands a registered body out once, and forget() clears both kinds", () => {
    const hints = new AllocHints();
    hints.registered("a", job, 7);
    expect(hints.takeRegistered("a")).toEqual({ job, jobModifyIndex: 7 });
    expect(hints.takeRegistered("a")).toBeUndefined();
    hints.registered("a", job, 8);
    hints.confirm("a", alloc("1"));
    hints.forget("a");
    expect(hints.takeRegistered("a")).toBeUndefined();
    expect(hints.alloc("a")).toBeUndefined();
  });

  it("stays bounded: the oldest names go first", () => {
    const hints = new AllocHints();
    for (let i = 0; i < 1030; i++) hints.confirm(`s${i}`, alloc(String(i)));
    expect(hints.alloc("s0")).toBeUndefined();
    expect(hints.alloc("s1029")?.ID).toBe("1029");
  });
});
