// The closing figures table: id, figure, median (min–max), goal, verdict.

/** Prints `rows` as a fixed-width table through `log`. */
export function printTable(rows, describe, log) {
  const verdict = (r) => (r.pass === true ? "ok" : r.pass === false ? "MISSED" : "-");
  const lines = rows.map((r) => [r.id, r.figure, describe(r), r.goal, verdict(r)]);
  const head = ["id", "figure", "median (min, max, n)", "goal", "verdict"];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (cols) => `| ${cols.map((c, i) => String(c).padEnd(widths[i])).join(" | ")} |`;
  log(fmt(head));
  log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const l of lines) log(fmt(l));
}
