/** The known config keys (read off the schema) and "did you mean" suggestions for unknown ones. */
import type { z } from "zod";
import { configSchema } from "./schema.js";

type AnySchema = z.core.$ZodType;

// Peels default/prefault/optional/pipe wrappers and arrays so a section's object shape can be read.
function objectShape(schema: AnySchema): Record<string, AnySchema> | undefined {
  let current: AnySchema | undefined = schema;
  for (let depth = 0; current && depth < 10; depth++) {
    const def = current._zod.def as unknown as { type: string; shape?: Record<string, AnySchema> };
    if (def.type === "object") return def.shape;
    const inner: { innerType?: AnySchema; element?: AnySchema; in?: AnySchema } = current._zod.def as unknown as {
      innerType?: AnySchema;
    };
    current = inner.innerType ?? inner.element ?? inner.in;
  }
  return undefined;
}

/** Keys known at a dot path: `""` gives the sections, `"orchestrator"` its keys, `"files"` a file entry's keys. */
export function knownKeysAt(path: readonly (string | number)[]): string[] {
  let shape = objectShape(configSchema);
  for (const segment of path) {
    if (typeof segment === "number") continue;
    const next = shape?.[segment];
    shape = next ? objectShape(next) : undefined;
  }
  return shape ? Object.keys(shape) : [];
}

/** Every leaf dot path of the schema (`orchestrator.nomad_addr`, `files`, …), for docs and cross-section hints. */
export function allKeyPaths(): string[] {
  const out: string[] = [];
  for (const section of knownKeysAt([])) {
    const keys = section === "files" ? [] : knownKeysAt([section]);
    if (keys.length === 0) out.push(section);
    for (const key of keys) out.push(`${section}.${key}`);
  }
  return out;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(above + 1, (prev[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return prev[b.length] ?? 0;
}

// True when `short` is `long` with letters left out, same first letter (src → source, addr → nomad_addr).
function isAbbreviation(short: string, long: string): boolean {
  if (long.endsWith(`_${short}`)) return true;
  if (short[0] !== long[0]) return false;
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}

/**
 * The fix for an unknown key: the closest key in the same table, else the same key in another
 * section (a key put under the wrong header), else the list of valid keys.
 */
export function suggestKey(parent: readonly (string | number)[], key: string): string {
  const known = knownKeysAt(parent);
  const normalised = key.toLowerCase().replaceAll("-", "_");
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(normalised, candidate);
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  if (best && best.distance <= Math.max(2, Math.floor(key.length / 3))) return `did you mean "${best.key}"?`;
  // Abbreviations (src → source, addr → nomad_addr) are far in edits but obvious to a reader.
  const containing = normalised.length >= 3 ? known.find((k) => isAbbreviation(normalised, k)) : undefined;
  if (containing) return `did you mean "${containing}"?`;
  const elsewhere = allKeyPaths().find((p) => p.endsWith(`.${normalised}`));
  if (elsewhere) return `did you mean "${elsewhere}"? (move it under [${elsewhere.split(".")[0]}])`;
  return known.length > 0 ? `remove it; valid keys here: ${known.join(", ")}` : "remove it";
}
