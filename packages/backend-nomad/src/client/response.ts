// Decoding of response bodies and the X-Nomad-* metadata headers.
import type { IncomingHttpHeaders } from "node:http";
import { InternalError } from "@agentkernel/core";
import type { QueryMeta } from "./params.js";
import type { TextResponse } from "./http.js";

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

/** Parses a JSON body; an empty body (e.g. 204) is `undefined`. */
export function parseJson<T>(res: TextResponse, what: string): T {
  if (res.text === "") return undefined as T;
  try {
    return JSON.parse(res.text) as T;
  } catch (err) {
    throw new InternalError(`${what}: Nomad sent a body that is not JSON (status ${res.statusCode})`, {
      backend: "nomad",
      cause: err,
    });
  }
}
