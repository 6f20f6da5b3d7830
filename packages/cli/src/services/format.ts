/** Plain-text rendering for humans: tables, ages and the detail view of a sandbox. --json output bypasses all of it. */
import type { SandboxInfo } from "@agentkernel/core";

/** Left-aligned columns separated by two spaces; the header row is upper-case. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join("\n");
}

/** `42s`, `5m`, `3h`, `2d`: the largest whole unit since `from`. */
export function formatAge(from: Date, now: Date = new Date()): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

function short(id: string | number | undefined): string {
  return id === undefined ? "" : String(id).slice(0, 8);
}

/** The `list` table: name, backend, status, image, age, node/alloc (Nomad). */
export function renderSandboxTable(sandboxes: readonly SandboxInfo[], now: Date = new Date()): string {
  if (sandboxes.length === 0) return "no sandboxes; create one with: agentkernel create NAME";
  const rows = sandboxes.map((s) => {
    const placement =
      s.refs.nodeId !== undefined || s.refs.allocId !== undefined ? `${short(s.refs.nodeId)}/${short(s.refs.allocId)}` : "";
    return [s.name, s.backend, s.status, s.image ?? "", formatAge(s.createdAt, now), placement];
  });
  return renderTable(["name", "backend", "status", "image", "age", "node/alloc"], rows);
}

/** `status NAME`: every field, backend references included (Nomad job, alloc, node, eval IDs). */
export function renderSandboxDetail(s: SandboxInfo): string {
  const lines: [string, string][] = [
    ["name", s.name],
    ["backend", s.backend],
    ["status", s.statusDetail ? `${s.status} (${s.statusDetail})` : s.status],
    ["image", s.image ?? ""],
    ["created", `${s.createdAt.toISOString()} (${formatAge(s.createdAt)} ago)`],
  ];
  if (s.profile) lines.push(["profile", s.profile]);
  if (s.network !== undefined) lines.push(["network", s.network ? "on" : "off"]);
  const r = s.resources;
  if (r) {
    const cpu = r.cpuMHz !== undefined ? `${r.cpuMHz} MHz` : r.vcpus !== undefined ? `${r.vcpus} vCPU` : "";
    lines.push(["resources", [cpu, r.memoryMB !== undefined ? `${r.memoryMB} MB` : ""].filter(Boolean).join(", ")]);
  }
  const labels = Object.entries(s.labels);
  if (labels.length > 0) lines.push(["labels", labels.map(([k, v]) => `${k}=${v}`).join(", ")]);
  for (const [key, value] of Object.entries(s.refs)) if (value !== undefined && value !== "") lines.push([key, String(value)]);
  const width = Math.max(...lines.map(([k]) => k.length));
  return lines.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v}`).join("\n");
}
