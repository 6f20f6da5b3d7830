/** startEmulator: wires state, scheduler, task runner, ACL, faults and the HTTP server into one test double. */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidInputError } from "@agentkernel/core";
import { Acl, type AclToken, type PolicyRule } from "./acl.js";
import type { Alloc } from "./alloc.js";
import type { EmulatorContext } from "./emulator-context.js";
import { type Fault, Faults } from "./faults.js";
import { nowNs } from "./ids.js";
import { jobStatus } from "./job-status.js";
import { buildNodes, type EmulatorOptions } from "./options.js";
import type { Emu } from "./route-context.js";
import { Scheduler } from "./scheduler.js";
import { createEmulatorServer } from "./server.js";
import { nsKey, State } from "./state.js";
import { hasBwrap } from "./task-process.js";
import { TaskRunner } from "./tasks.js";

/** A running emulator. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (use as NOMAD_ADDR). */
  address: string;
  /** Kills every process group it started, closes every connection and removes its temp root. */
  stop(): Promise<void>;
  /** Requests counted per `"METHOD /route"` label. */
  stats(): { requests: Record<string, number> };
  resetStats(): void;
  /** Injects a fault (see Fault); `{ type: "clear" }` removes them all. */
  inject(fault: Fault): void;
  /** The management token's secret when ACLs are enabled. */
  managementToken?: string;
  /** Creates a client token bound to policies (ACLs must be enabled). */
  createToken(opts: { policies: PolicyRule[]; name?: string }): AclToken;
  /** The directory that holds allocation dirs. */
  allocRoot: string;
}

/** Starts an emulator listening on `host:port` (port 0 = any free port). */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const ownRoot = opts.dataDir === undefined;
  const root = opts.dataDir ?? mkdtempSync(join(tmpdir(), "nomad-emulator-"));
  const allocRoot = join(root, `allocs-${process.pid}-${Date.now()}`);
  mkdirSync(allocRoot, { recursive: true });
  const region = opts.region ?? "global";
  const isolation = opts.isolation ?? (hasBwrap() ? "bwrap" : "none");
  const nodes = buildNodes(opts.nodes);
  const state: State = new State(opts.eventBufferSize ?? 100, (job) => jobStatus(state, job));
  for (const n of nodes) state.nodes.set(n.ID, n);
  const faults = new Faults();
  const acl = new Acl(opts.acl?.enabled ?? false, opts.acl?.managementToken);
  let sched: Scheduler | undefined;
  const runner = new TaskRunner(state, {
    isolation,
    taskStartDelayMs: opts.taskStartDelayMs ?? 0,
    ...(opts.maxKillTimeoutMs !== undefined ? { maxKillTimeoutMs: opts.maxKillTimeoutMs } : {}),
    onClientTerminal: () => sched?.unblock(),
  });
  sched = new Scheduler(state, runner, {
    placementDelayMs: opts.placementDelayMs ?? 0,
    allocRoot,
    region,
    isolation,
    placementHeld: () => faults.placementHeld,
  });
  const scheduler = sched;
  let address = "";

  const markAllocsLost = (ids: string[]) => {
    const lost = ids.map((id) => state.allocs.get(id)).filter((a): a is Alloc => a !== undefined && !a.clientTerminal());
    if (lost.length === 0) return;
    state.write(["allocs", "evals"], (index) => {
      const jobs = new Set<string>();
      for (const a of lost) {
        a.ClientStatus = "lost";
        a.ClientDescription = "alloc is lost since its node is down";
        a.DesiredStatus = "stop";
        a.DesiredDescription = "alloc is lost since its node is down";
        a.ModifyIndex = index;
        a.ModifyTime = nowNs();
        for (const ts of Object.values(a.TaskStates)) if (ts.State !== "dead") ts.State = "dead";
        state.touchJob(a.Namespace, a.JobID);
        state.publishAlloc(a, "PlanResult");
        jobs.add(nsKey(a.Namespace, a.JobID));
      }
      for (const key of jobs) {
        const job = state.jobs.get(key);
        if (job) scheduler.createEval(job, "node-update", index);
      }
    });
    for (const a of lost) runner.kill(a.ID);
  };

  const emu: Emu = {
    state,
    sched,
    acl,
    faults,
    region,
    datacenter: nodes[0]?.Datacenter ?? "dc1",
    eventHeartbeatMs: opts.eventHeartbeatMs ?? 30_000,
    address: () => address,
  };
  const counts = new Map<string, number>();
  const ctx: EmulatorContext = {
    findAlloc: (id) => state.allocs.get(id),
    authorize: (token, ns, cap) => (acl.allows(token, ns, cap) ? "allowed" : "denied"),
    trackProcess: (allocId, child) => runner.track(allocId, child),
    faults: faults.client,
    countRequest: (label) => counts.set(label, (counts.get(label) ?? 0) + 1),
    isolation,
    readMeta: () => ({ index: state.index, knownLeader: !faults.noLeader() }),
  };
  const srv = createEmulatorServer(emu, ctx);
  const inject = (f: Fault) => {
    if (faults.apply(f)) {
      if (f.type === "clear") scheduler.drain();
      return;
    }
    if (f.type === "placementNever") {
      faults.placementHeld = f.on ?? true;
      if (!faults.placementHeld) scheduler.drain();
    } else if (f.type === "allocLost") {
      if (!state.allocs.has(f.allocId))
        throw new InvalidInputError(`nomad-emulator: no allocation ${f.allocId} to mark lost; pass a full alloc ID`);
      markAllocsLost([f.allocId]);
    } else if (f.type === "nodeDown") {
      const down = f.nodeId ? [state.nodes.get(f.nodeId)] : [...state.nodes.values()].slice(0, 1);
      if (down.some((n) => n === undefined))
        throw new InvalidInputError(`nomad-emulator: no node ${f.nodeId}; list node IDs with GET /v1/nodes`);
      state.write(["nodes"], (index) => {
        for (const n of down) if (n) Object.assign(n, { Status: "down", ModifyIndex: index });
      });
      const ids = new Set(down.map((n) => n?.ID));
      markAllocsLost([...state.allocs.values()].filter((a) => ids.has(a.NodeID)).map((a) => a.ID));
    }
  };
  for (const f of opts.faults ?? []) inject(f);
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    srv.server.once("error", reject);
    srv.server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = srv.server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  address = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    address,
    allocRoot,
    ...(acl.management ? { managementToken: acl.management.SecretID } : {}),
    stats: () => ({ requests: Object.fromEntries(counts) }),
    resetStats: () => counts.clear(),
    inject,
    createToken: ({ policies, name }) => {
      if (!acl.enabled)
        throw new InvalidInputError("nomad-emulator: ACLs are disabled; start it with acl: { enabled: true } to create tokens");
      return acl.createToken(policies, name);
    },
    stop: () => {
      stopped ??= (async () => {
        scheduler.close();
        await runner.close();
        await srv.shutdown();
        rmSync(ownRoot ? root : allocRoot, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
