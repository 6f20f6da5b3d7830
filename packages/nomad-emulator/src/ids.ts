/** Identifiers and clocks in the shapes Nomad uses (UUIDs, Unix nanoseconds, RFC3339). */
import { randomUUID } from "node:crypto";

/** A Nomad-style UUID (Nomad's are random 8-4-4-4-12 hex, like v4). */
export function newId(): string {
  return randomUUID();
}

/** Current time in Unix nanoseconds, as Nomad's int64 `*Time` fields carry it. */
export function nowNs(): number {
  // Millisecond precision scaled up; a float64 cannot hold ns exactly anyway, and JSON consumers accept it.
  return Date.now() * 1_000_000;
}

/** Current time as an RFC3339 string with sub-second precision, as Go's time.Time marshals. */
export function nowRfc3339(): string {
  return new Date().toISOString();
}

/** True for a full, canonical UUID (Nomad requires full alloc/eval IDs in paths). */
export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
