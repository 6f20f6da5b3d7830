/** Chooses a node for one allocation, or explains why none fits with Nomad's AllocMetric fields. */
import { globRe } from "./glob.js";
import type { State } from "./state.js";
import type { AllocMetric, GroupSpec, JobSpec, NodeRecord } from "./types.js";

/** An empty metric with the fields every AllocMetric carries. */
export function emptyMetric(): AllocMetric {
  return {
    NodesEvaluated: 0,
    NodesFiltered: 0,
    NodesInPool: 0,
    NodePool: "default",
    NodesAvailable: {},
    ClassFiltered: null,
    ConstraintFiltered: null,
    NodesExhausted: 0,
    ClassExhausted: null,
    DimensionExhausted: null,
    QuotaExhausted: null,
    ResourcesExhausted: null,
    Scores: null,
    AllocationTime: 0,
    CoalescedFailures: 0,
    ScoreMetaData: null,
  };
}

/** Resources an alloc of this group asks for. */
export function groupAsk(g: GroupSpec): { cpu: number; mem: number; disk: number } {
  let cpu = 0;
  let mem = 0;
  for (const t of g.Tasks) {
    cpu += t.Resources.CPU;
    mem += t.Resources.MemoryMB;
  }
  return { cpu, mem, disk: g.EphemeralDisk.SizeMB };
}

/** Resources already used on each node by allocs that still hold them. */
export function usageByNode(state: State): Map<string, { cpu: number; mem: number; disk: number }> {
  const used = new Map<string, { cpu: number; mem: number; disk: number }>();
  for (const a of state.allocs.values()) {
    if (a.terminal()) continue;
    const g = a.group();
    if (!g) continue;
    const ask = groupAsk(g);
    const u = used.get(a.NodeID) ?? { cpu: 0, mem: 0, disk: 0 };
    u.cpu += ask.cpu;
    u.mem += ask.mem;
    u.disk += ask.disk;
    used.set(a.NodeID, u);
  }
  return used;
}

const inc = (m: Record<string, number> | null, k: string): Record<string, number> => ({ ...(m ?? {}), [k]: (m?.[k] ?? 0) + 1 });

/**
 * Nomad's feasibility then fit order: nodes outside the job's datacenters or not ready are not evaluated;
 * missing/unhealthy drivers filter a node ("missing drivers"); then cpu, memory and disk are checked in that order.
 * `used` is updated on success so several placements in one eval see each other.
 */
export function placeOne(
  nodes: NodeRecord[],
  job: JobSpec,
  g: GroupSpec,
  used: Map<string, { cpu: number; mem: number; disk: number }>,
): { node: NodeRecord; metric: AllocMetric } | { metric: AllocMetric } {
  const started = process.hrtime.bigint();
  const m = emptyMetric();
  m.NodesInPool = nodes.length;
  const ask = groupAsk(g);
  // Datacenters are globs (`*` wildcards, as Nomad 1.5+ accepts), compiled once per placement, not per node.
  const dcs = job.Datacenters.map(globRe);
  const ready = nodes.filter((n) => n.Status === "ready" && dcs.some((re) => re.test(n.Datacenter)));
  for (const n of ready) m.NodesAvailable[n.Datacenter] = (m.NodesAvailable[n.Datacenter] ?? 0) + 1;
  let best: NodeRecord | undefined;
  let bestScore = -1;
  for (const n of ready) {
    m.NodesEvaluated++;
    const missing = g.Tasks.some((t) => !(n.drivers[t.Driver]?.Detected && n.drivers[t.Driver]?.Healthy));
    if (missing) {
      m.NodesFiltered++;
      m.ConstraintFiltered = inc(m.ConstraintFiltered, "missing drivers");
      continue;
    }
    const u = used.get(n.ID) ?? { cpu: 0, mem: 0, disk: 0 };
    const dim =
      u.cpu + ask.cpu > n.cpuMHz ? "cpu" : u.mem + ask.mem > n.memoryMB ? "memory" : u.disk + ask.disk > n.diskMB ? "disk" : "";
    if (dim) {
      m.NodesExhausted++;
      m.DimensionExhausted = inc(m.DimensionExhausted, dim);
      const exhausted: Record<string, unknown> = { ...(m.ResourcesExhausted ?? {}) };
      for (const t of g.Tasks) {
        exhausted[t.Name] = {
          CPU: t.Resources.CPU,
          Cores: t.Resources.Cores,
          MemoryMB: t.Resources.MemoryMB,
          MemoryMaxMB: t.Resources.MemoryMaxMB,
          DiskMB: 0,
          IOPS: 0,
          Networks: null,
          Devices: null,
          NUMA: null,
          SecretsMB: 0,
        };
      }
      m.ResourcesExhausted = exhausted;
      continue;
    }
    // binpack: prefer the fuller node, as Nomad's default scheduler algorithm does.
    const score = ((u.cpu + ask.cpu) / n.cpuMHz + (u.mem + ask.mem) / n.memoryMB) / 2;
    if (score > bestScore) {
      best = n;
      bestScore = score;
    }
  }
  m.AllocationTime = Number(process.hrtime.bigint() - started);
  if (!best) return { metric: m };
  const u = used.get(best.ID) ?? { cpu: 0, mem: 0, disk: 0 };
  used.set(best.ID, { cpu: u.cpu + ask.cpu, mem: u.mem + ask.mem, disk: u.disk + ask.disk });
  const s = Math.round(bestScore * 1000) / 1000;
  m.ScoreMetaData = [
    {
      NodeID: best.ID,
      Scores: { binpack: s, "job-anti-affinity": 0, "node-affinity": 0, "node-reschedule-penalty": 0 },
      NormScore: s,
    },
  ];
  return { node: best, metric: m };
}
