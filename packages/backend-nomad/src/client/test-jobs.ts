// Test helper: small job specs and waits for client tests against the emulator.
import { watch } from "./blocking.js";
import type { NomadClient } from "./nomad-client.js";
import type { AllocationListStub, NomadJob } from "./types.js";

/** A batch raw_exec job running `argv`, never restarted or rescheduled. */
export function rawExecJob(id: string, argv: string[], meta: Record<string, string> = {}): NomadJob {
  return {
    ID: id,
    Type: "batch",
    Meta: meta,
    TaskGroups: [
      {
        Name: "sandbox",
        RestartPolicy: { Attempts: 0, Mode: "fail" },
        ReschedulePolicy: { Attempts: 0, Unlimited: false },
        Tasks: [
          {
            Name: "main",
            Driver: "raw_exec",
            Config: { command: argv[0], args: argv.slice(1) },
            Resources: { CPU: 100, MemoryMB: 64 },
          },
        ],
      },
    ],
  };
}

/** Follows the job's allocations with blocking queries until one matches. */
export async function waitForAlloc(
  client: NomadClient,
  jobId: string,
  match: (a: AllocationListStub) => boolean,
  signal: AbortSignal = AbortSignal.timeout(15_000),
): Promise<AllocationListStub> {
  for await (const res of watch((q) => client.jobs.allocations(jobId, { ...q, signal }), { waitMs: 5_000, signal })) {
    const found = res.data.find(match);
    if (found) return found;
  }
  throw new Error("watch ended");
}

/** True when the alloc and its `main` task are running. */
export const running = (a: AllocationListStub) => a.ClientStatus === "running" && a.TaskStates?.main?.State === "running";
