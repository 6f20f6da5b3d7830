// Test helper: small job specs and waits for client tests against the emulator.
import { type Emulator, startEmulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll } from "vitest";
import { watch } from "./blocking.js";
import type { NomadExecStream } from "./exec-session.js";
import { NomadClient } from "./nomad-client.js";
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

/** One emulator with a running raw_exec sandbox job `sbx-main` (task `main`) for a test file; fields fill in beforeAll. */
export interface EmulatorSandbox {
  nomad: Emulator;
  client: NomadClient;
  allocId: string;
}

/** Registers beforeAll/afterAll that start the emulator and `sbx-main`, and tear both down. */
export function useEmulatorSandbox(): EmulatorSandbox {
  const t = {} as EmulatorSandbox;
  beforeAll(async () => {
    t.nomad = await startEmulator({ port: 0, isolation: "none", maxKillTimeoutMs: 100 });
    t.client = new NomadClient({ address: t.nomad.address, retry: { attempts: 8, baseDelayMs: 20, maxDelayMs: 100 } });
    await t.client.jobs.register(
      rawExecJob("sbx-main", ["/bin/sh", "-c", "echo hello-log; exec sleep 1000"], { "agentkernel-managed": "true" }),
    );
    t.allocId = (await waitForAlloc(t.client, "sbx-main", running)).ID;
  }, 30_000);
  afterAll(async () => {
    await t.client?.jobs.deregister("sbx-main", { purge: true }).catch(() => {});
    await t.client?.close();
    await t.nomad?.stop();
  });
  return t;
}

/** Reads a stream to the end as UTF-8. */
export async function drain(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

/** Sends optional stdin, closes it, and collects stdout, stderr and the exit code. */
export async function execAll(session: NomadExecStream, stdin?: string) {
  if (stdin !== undefined) await session.writeStdin(Buffer.from(stdin));
  session.closeStdin();
  const [stdout, stderr, code] = await Promise.all([drain(session.stdout), drain(session.stderr), session.exitCode]);
  return { stdout, stderr, code };
}
