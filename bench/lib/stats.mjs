// Median/min/max and percentiles: every figure is a median over repeated runs with its spread.

/** @param {number[]} xs @param {number} p 0..100 */
export function percentile(xs, p) {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

/** { median, min, max, n } of repeated measurements. */
export function summary(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

/** "12.3 (min 11.0, max 14.1)". */
export function fmt(s, digits = 2) {
  const f = (x) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
  return `${f(s.median)} (min ${f(s.min)}, max ${f(s.max)})`;
}

/** Milliseconds since `t0` (a process.hrtime.bigint()). */
export function msSince(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
