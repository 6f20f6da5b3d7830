/** Response helpers that reproduce Nomad's wire conventions: plain-text errors, read headers, JSON bodies. */
import type { IncomingMessage, ServerResponse } from "node:http";

/** An error carrying the HTTP status Nomad would give it (uncoded errors are 500). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** Metadata a read sends back in X-Nomad-* headers. */
export interface ReadMeta {
  index: number;
  knownLeader: boolean;
  nextToken?: string;
}

/** Writes the three read headers Nomad's Go client insists on (also on 404s). */
export function setReadHeaders(res: ServerResponse, meta: ReadMeta): void {
  res.setHeader("X-Nomad-Index", String(Math.max(meta.index, 1)));
  res.setHeader("X-Nomad-KnownLeader", meta.knownLeader ? "true" : "false");
  res.setHeader("X-Nomad-LastContact", "0");
  if (meta.nextToken) res.setHeader("X-Nomad-NextToken", meta.nextToken);
}

/** Sends a JSON body (indented with `?pretty`). */
export function sendJson(res: ServerResponse, status: number, body: unknown, pretty = false): void {
  const text = pretty ? JSON.stringify(body, null, 4) : JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

/** Sends a Nomad error: bare message, text/plain; charset=utf-8, no trailing newline. */
export function sendText(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(message));
  res.end(message);
}

/** Reads the whole request body (bounded, so a runaway client cannot exhaust memory). */
export async function readBody(req: IncomingMessage, limit = 32 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) throw new HttpError(413, "Request body too large");
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Decodes a JSON request body the way Nomad's decodeBody does: empty → 400 `Request body is empty`. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const buf = await readBody(req);
  if (buf.length === 0) throw new HttpError(400, "Request body is empty");
  return parseJsonObject(buf);
}

/** Reads a JSON body that may be empty (returns {}). */
export async function readJsonOptional(req: IncomingMessage): Promise<Record<string, unknown>> {
  const buf = await readBody(req);
  return buf.length === 0 ? {} : parseJsonObject(buf);
}

function parseJsonObject(buf: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString("utf8"));
  } catch (err) {
    throw new HttpError(400, `Failed to decode request body: ${(err as Error).message}`);
  }
  const obj = asRecord(parsed);
  if (!obj) throw new HttpError(400, "Failed to decode request body: expected a JSON object");
  return obj;
}

/** The request's token: X-Nomad-Token wins over `Authorization: Bearer`. */
export function tokenOf(req: IncomingMessage): string | undefined {
  const h = req.headers["x-nomad-token"];
  const header = Array.isArray(h) ? h[0] : h;
  if (header) return header;
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ")) return auth.slice(7).trim() || undefined;
  return undefined;
}

/** Narrow helpers for untrusted JSON. */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A string map from untrusted JSON (non-strings dropped as Go's decoder would fail them). */
export function asStringMap(v: unknown): Record<string, string> | undefined {
  const r = asRecord(v);
  if (!r) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(r)) if (typeof val === "string") out[k] = val;
  return out;
}
