// Status mapping from Nomad's allocation and job-summary shapes (recorded examples) to core statuses.
import { describe, expect, it } from "vitest";
import type { AllocationListStub, TaskGroupSummary } from "./client/index.js";
import { currentAlloc, describeTaskEvents, type JobFacts, statusFromAlloc, statusFromSummary } from "./sandbox-status.js";

function alloc(over: Partial<AllocationListStub>, state: "pending" | "running" | "dead" = "running"): AllocationListStub {
  return {
    ID: "a1",
    EvalID: "e1",
    Name: "agentkernel-x.sandbox[0]",
    Namespace: "default",
    NodeID: "n1",
    NodeName: "worker-1",
    JobID: "agentkernel-x",
    TaskGroup: "sandbox",
    DesiredStatus: "run",
    ClientStatus: "running",
    TaskStates: { sandbox: { State: state, Failed: false, Restarts: 0, Events: [] } },
    CreateIndex: 10,
    ModifyIndex: 11,
    CreateTime: 0,
    ModifyTime: 0,
    ...over,
  };
}

describe("status mapping", () => {
  it("maps ClientStatus and the task state", () => {
    expect(statusFromAlloc({ Stop: false }, alloc({})).status).toBe("running");
    expect(statusFromAlloc({ Stop: false }, alloc({}, "pending")).status).toBe("pending");
    expect(statusFromAlloc({ Stop: true }, alloc({})).status).toBe("stopped");
    expect(statusFromAlloc({ Stop: false }, alloc({ ClientStatus: "complete" }, "dead")).status).toBe("stopped");
    expect(statusFromAlloc({ Stop: false }, alloc({ ClientStatus: "unknown" })).status).toBe("unknown");
    const lost = statusFromAlloc({ Stop: false }, alloc({ ClientStatus: "lost" }, "dead"));
    expect(lost.status).toBe("lost");
    expect(lost.detail).toContain("worker-1");
    expect(statusFromAlloc({ Stop: false, Status: "pending" }, undefined).status).toBe("pending");
  });

  it("explains a failed task from its events", () => {
    const failed = alloc({ ClientStatus: "failed" }, "dead");
    const task = failed.TaskStates?.sandbox;
    if (task) {
      task.Events = [
        { Type: "Received", Time: 1, DisplayMessage: "Task received by client" },
        { Type: "Driver Failure", Time: 2, DisplayMessage: "failed to pull image", FailsTask: true },
      ];
    }
    expect(statusFromAlloc({ Stop: false }, failed)).toEqual({
      status: "failed",
      detail: "Driver Failure: failed to pull image",
    });
    expect(describeTaskEvents(undefined)).toBe("");
  });

  it("picks the newest allocation as current and maps summaries for list", () => {
    expect(currentAlloc([alloc({ ID: "old", CreateIndex: 5 }), alloc({ ID: "new", CreateIndex: 9 })])?.ID).toBe("new");
    const summary = (s: Partial<TaskGroupSummary>): JobFacts => ({
      ID: "j",
      Stop: false,
      JobSummary: {
        JobID: "j",
        Namespace: "default",
        Summary: { sandbox: { Queued: 0, Complete: 0, Failed: 0, Running: 0, Starting: 0, Lost: 0, ...s } },
        CreateIndex: 1,
        ModifyIndex: 1,
      },
    });
    expect(statusFromSummary(summary({ Running: 1, Failed: 1 }))).toBe("running");
    expect(statusFromSummary(summary({ Lost: 1 }))).toBe("lost");
    expect(statusFromSummary(summary({ Queued: 1 }))).toBe("pending");
    expect(statusFromSummary({ ID: "j", Stop: true })).toBe("stopped");
  });
});
