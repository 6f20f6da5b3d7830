// Decoding of response bodies (checked against the JSON kind each call expects) and the X-Nomad-* metadata headers.
import type { IncomingHttpHeaders } from "node:http";
import { BackendUnavailableError } from "@agentkernel/core";
import type { QueryMeta } from "./params.js";
import type { TextResponse } from "./http.js";

/**
 * The JSON kind a call's 200 body must be. `empty` accepts an empty body (Nomad's 204 on variable delete) or any JSON.
 * Objects and array elements may also name `fields` whose type is checked when present (what the backend dereferences).
 */
export type BodyKind = "array" | "object" | "string" | "empty";

/** What a call expects back: the kind, and for objects (or array elements) the `typeof` of key fields when present. */
export interface BodyShape {
  kind: BodyKind;
  fields?: Record<string, "string" | "number" | "boolean" | "object">;
}

/** How much of an unexpected body a message may quote. */
const QUOTE_CHARS = 120;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads X-Nomad-Index / KnownLeader / LastContact / NextToken (absent → 0 / false). */
export function parseQueryMeta(headers: IncomingHttpHeaders): QueryMeta {
  const meta: QueryMeta = {
    lastIndex: Number(header(headers, "x-nomad-index") ?? 0) || 0,
    knownLeader: header(headers, "x-nomad-knownleader") === "true",
    lastContact: Number(header(headers, "x-nomad-lastcontact") ?? 0) || 0,
  };
  const next = header(headers, "x-nomad-nexttoken");
  if (next) meta.nextToken = next;
  return meta;
}

/** Reads a body keeping its first `limit` bytes as text and counting the rest (drained, so the connection is reusable). */
export async function readCapped(body: AsyncIterable<Buffer>, limit: number): Promise<{ text: string; bytes: number }> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (keptBytes < limit) {
      const part = chunk.subarray(0, limit - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
  }
  return { text: Buffer.concat(kept).toString("utf8"), bytes };
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

const article: Record<BodyKind, string> = { array: "an array", object: "an object", string: "a string", empty: "no body" };

// The first key field of the wrong type, e.g. "ID is number, expected string" (absent fields are legal: partial answers).
function badField(record: Record<string, unknown>, fields: NonNullable<BodyShape["fields"]>): string | undefined {
  for (const [key, type] of Object.entries(fields)) {
    const field = record[key];
    if (field !== undefined && field !== null && kindOf(field) !== type) return `${key} is ${kindOf(field)}, expected ${type}`;
  }
  return undefined;
}

// Why the value does not fit the shape, or undefined when it does.
function mismatch(value: unknown, shape: BodyShape): string | undefined {
  if (shape.kind === "empty") return undefined;
  const got = kindOf(value);
  if (got !== shape.kind) return `got ${got}`;
  if (!shape.fields) return undefined;
  if (shape.kind === "object") return badField(value as Record<string, unknown>, shape.fields);
  if (shape.kind === "array") {
    for (const [i, item] of (value as unknown[]).entries()) {
      if (kindOf(item) !== "object") return `item ${i} is ${kindOf(item)}, expected object`;
      const bad = badField(item as Record<string, unknown>, shape.fields);
      if (bad) return `item ${i}: ${bad}`;
    }
  }
  return undefined;
}

/**
 * Parses a 2xx body and checks it is the JSON kind the call expects. Anything else (not JSON, empty, `null`, an array
 * where an object belongs, a key field of the wrong type) is a BackendUnavailableError: whatever answers at NOMAD_ADDR
 * is not behaving like a Nomad agent (a proxy page, another service), which the operator fixes, not the code.
 */
export function decodeBody<T>(res: TextResponse, shape: BodyShape, where: string): T {
  const unexpected = (why: string, cause?: unknown) =>
    new BackendUnavailableError(
      `${where}: Nomad answered with an unexpected body (expected ${article[shape.kind]}; ${why}); is NOMAD_ADDR a Nomad agent?`,
      { backend: "nomad", cause: cause ?? new Error(`status ${res.statusCode}, body starts: ${res.text.slice(0, QUOTE_CHARS)}`) },
    );
  if (res.text.trim() === "") {
    if (shape.kind === "empty") return undefined as T;
    throw unexpected(`got an empty body, status ${res.statusCode}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(res.text);
  } catch (err) {
    throw unexpected(`got ${res.text.length} bytes that are not JSON, status ${res.statusCode}`, err);
  }
  const why = mismatch(value, shape);
  if (why) throw unexpected(why);
  return value as T;
}
