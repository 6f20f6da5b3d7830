/** Explains a failed placement in words, from the evaluation's FailedTGAllocs AllocMetric (as `nomad job run` does). */

/** The AllocMetric fields the explanation reads (Nomad API casing; every field may be null). */
export interface AllocMetricLike {
  NodesEvaluated?: number | null;
  NodesFiltered?: number | null;
  NodesInPool?: number | null;
  NodePool?: string | null;
  NodesAvailable?: Record<string, number> | null;
  ClassFiltered?: Record<string, number> | null;
  ConstraintFiltered?: Record<string, number> | null;
  NodesExhausted?: number | null;
  ClassExhausted?: Record<string, number> | null;
  DimensionExhausted?: Record<string, number> | null;
  QuotaExhausted?: string[] | null;
  ResourcesExhausted?: Record<string, { CPU?: number; MemoryMB?: number; Cores?: number }> | null;
  CoalescedFailures?: number | null;
}

/** What the job asked for, so the explanation can name it. */
export interface PlacementContext {
  driver: string;
  datacenters: string[];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function datacenterText(metric: AllocMetricLike, ctx: PlacementContext): string {
  const fromMetric = Object.keys(metric.NodesAvailable ?? {});
  const dcs = fromMetric.length > 0 ? fromMetric : ctx.datacenters;
  return dcs.length === 0 || (dcs.length === 1 && dcs[0] === "*") ? "any datacenter" : dcs.join(", ");
}

function constraintText(reason: string, count: number, evaluated: number, dcs: string, driver: string): string {
  const counts = `(${evaluated} evaluated, ${count} filtered: ${reason})`;
  const all = count >= evaluated;
  switch (reason) {
    case "missing drivers":
      return all
        ? `no node in ${dcs} has driver ${driver} ${counts}`
        : `${plural(count, "node")} in ${dcs} ${count === 1 ? "lacks" : "lack"} driver ${driver} ${counts}`;
    case "missing network":
      return `${plural(count, "node")} in ${dcs} cannot provide the group network mode ${counts}`;
    default:
      return `${plural(count, "node")} in ${dcs} filtered by ${reason} ${counts}`;
  }
}

function askedFor(metric: AllocMetricLike): string {
  const parts: string[] = [];
  for (const [task, r] of Object.entries(metric.ResourcesExhausted ?? {})) {
    const asks: string[] = [];
    if (r.CPU) asks.push(`${r.CPU} MHz CPU`);
    if (r.Cores) asks.push(`${r.Cores} cores`);
    if (r.MemoryMB) asks.push(`${r.MemoryMB} MB memory`);
    if (asks.length > 0) parts.push(`task ${task} asked for ${asks.join(", ")}`);
  }
  return parts.length > 0 ? ` (${parts.join("; ")})` : "";
}

/**
 * One line per failed group, e.g. "no node in dc1 has driver docker (3 evaluated, 3 filtered: missing drivers)"
 * or "memory exhausted on 2 nodes (task sandbox asked for 65536 MB memory)".
 */
export function explainAllocMetric(metric: AllocMetricLike, ctx: PlacementContext): string {
  const dcs = datacenterText(metric, ctx);
  const evaluated = metric.NodesEvaluated ?? 0;
  const parts: string[] = [];
  const available = Object.values(metric.NodesAvailable ?? {});
  if (evaluated === 0) {
    parts.push(
      available.length > 0 && available.every((n) => n === 0)
        ? `no nodes are available in ${dcs}`
        : `no nodes were eligible in ${dcs}${metric.NodePool ? ` (node pool ${metric.NodePool})` : ""}`,
    );
  }
  for (const [reason, count] of Object.entries(metric.ConstraintFiltered ?? {})) {
    parts.push(constraintText(reason, count, evaluated, dcs, ctx.driver));
  }
  for (const [nodeClass, count] of Object.entries(metric.ClassFiltered ?? {})) {
    parts.push(`${plural(count, "node")} of class ${nodeClass} filtered`);
  }
  for (const [dimension, count] of Object.entries(metric.DimensionExhausted ?? {})) {
    parts.push(`${dimension} exhausted on ${plural(count, "node")}${askedFor(metric)}`);
  }
  if ((metric.NodesExhausted ?? 0) > 0 && Object.keys(metric.DimensionExhausted ?? {}).length === 0) {
    parts.push(`resources exhausted on ${plural(metric.NodesExhausted ?? 0, "node")}${askedFor(metric)}`);
  }
  for (const quota of metric.QuotaExhausted ?? []) parts.push(`quota exhausted: ${quota}`);
  if (parts.length === 0) parts.push(`no node in ${dcs} could run it (${evaluated} evaluated)`);
  return parts.join("; ");
}

/** What the operator can do about it, from the same metric. */
export function placementHint(metric: AllocMetricLike, ctx: PlacementContext): string {
  const constraints = Object.keys(metric.ConstraintFiltered ?? {});
  if (constraints.includes("missing drivers")) {
    return `enable the ${ctx.driver} driver on a client node in ${datacenterText(metric, ctx)} or configure another driver`;
  }
  if (Object.keys(metric.DimensionExhausted ?? {}).length > 0 || (metric.NodesExhausted ?? 0) > 0) {
    return "ask for fewer resources, remove idle sandboxes, or add client capacity";
  }
  if ((metric.NodesEvaluated ?? 0) === 0) return "check the datacenters/node pool settings and that client nodes are ready";
  return "check the job's constraints against the client nodes (nomad node status)";
}

/** Full explanation for every failed group of an evaluation. */
export function explainFailedPlacement(
  failed: Record<string, AllocMetricLike>,
  ctx: PlacementContext,
): { explanation: string; hint: string } {
  const entries = Object.values(failed);
  const explanation = entries.map((m) => explainAllocMetric(m, ctx)).join("; ");
  const first = entries[0];
  return { explanation, hint: first ? placementHint(first, ctx) : "check the client nodes" };
}
