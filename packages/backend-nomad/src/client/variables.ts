// /v1/var(s): read, list, write and delete variables with check-and-set, and the variable locks of Nomad 1.7+.
import { InternalError } from "@agentkernel/core";
import { type NomadResponseError, VariableConflictError } from "./errors.js";
import type { Transport } from "./http.js";
import type { QueryOptions, QueryResponse, WriteOptions, WriteResponse } from "./params.js";
import { query, write } from "./request.js";
import { VARIABLE } from "./shapes.js";
import type { Variable, VariableMetadata } from "./types.js";

/** Options of write/delete: `cas: 0` = only if absent, `cas: N` = only if ModifyIndex is N. */
export type VariableWriteOptions = WriteOptions & { cas?: number };

/** Lock settings; durations are Go strings between 10s and 24h (default 15s). */
export interface LockRequest {
  ttl: string;
  lockDelay?: string;
  items?: Record<string, string>;
}

// Variable paths are limited to [a-zA-Z0-9-_~/], so encoding each segment only guards against misuse.
function varPath(path: string): string {
  return `/v1/var/${path.replace(/^\/+/, "").split("/").map(encodeURIComponent).join("/")}`;
}

function conflictMapper(path: string) {
  return (err: NomadResponseError) => {
    if (err.statusCode !== 409) return undefined;
    let conflict: Variable;
    try {
      conflict = JSON.parse(err.body) as Variable;
    } catch (cause) {
      return new InternalError(`variable ${path}: Nomad sent a 409 whose body is not JSON`, { backend: "nomad", cause });
    }
    const state =
      conflict.ModifyIndex === 0 ? "it does not exist (or is locked)" : `it is now at ModifyIndex ${conflict.ModifyIndex}`;
    return new VariableConflictError(
      `variable ${path} changed concurrently: ${state}; read it again and retry with the current index`,
      conflict,
      err,
    );
  };
}

/** Variable endpoints, named after Nomad's Go `api.Variables`. */
export class Variables {
  readonly #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** Reads a variable with its items. Missing → NotFoundError. */
  read(path: string, q: QueryOptions = {}): Promise<QueryResponse<Variable>> {
    return query(
      this.#t,
      varPath(path),
      q,
      {
        action: `read variable ${path}`,
        capability: "variables read",
        resource: `variable "${path}"`,
      },
      VARIABLE,
    );
  }

  /** One page of variable metadata (no items); paths the token cannot list are silently left out. */
  list(q: QueryOptions = {}): Promise<QueryResponse<VariableMetadata[]>> {
    return query(
      this.#t,
      "/v1/vars",
      q,
      { action: "list variables", capability: "variables list" },
      {
        kind: "array",
        fields: VARIABLE.fields,
      },
    );
  }

  /** Writes all items. A lost check-and-set is a VariableConflictError (a ConflictError) holding the current variable. */
  write(path: string, items: Record<string, string>, opts: VariableWriteOptions = {}): Promise<WriteResponse<Variable>> {
    const params = new URLSearchParams();
    if (opts.cas !== undefined) params.set("cas", String(opts.cas));
    return this.#put(path, { Items: items }, params, opts, "write");
  }

  /** Deletes a variable (deleting a missing one succeeds). */
  delete(path: string, opts: VariableWriteOptions = {}): Promise<WriteResponse<void>> {
    const params = new URLSearchParams();
    if (opts.cas !== undefined) params.set("cas", String(opts.cas));
    return write(
      this.#t,
      { method: "DELETE", path: varPath(path), params, mapError: conflictMapper(path) },
      opts,
      {
        action: `delete variable ${path}`,
        capability: "variables destroy",
        resource: `variable "${path}"`,
      },
      { kind: "empty" },
    );
  }

  /** Acquires the variable's lock (creating it if needed); the answer's `Lock.ID` renews and releases it. */
  acquireLock(path: string, lock: LockRequest, opts: WriteOptions = {}): Promise<WriteResponse<Variable>> {
    const body: Record<string, unknown> = { Lock: { TTL: lock.ttl, LockDelay: lock.lockDelay ?? lock.ttl } };
    if (lock.items) body.Items = lock.items;
    return this.#put(path, body, new URLSearchParams([["lock-acquire", ""]]), opts, "acquire lock on");
  }

  /** Renews a held lock before its TTL runs out; returns metadata only. */
  renewLock(path: string, lockId: string, opts: WriteOptions = {}): Promise<WriteResponse<VariableMetadata>> {
    return this.#put(path, { Lock: { ID: lockId } }, new URLSearchParams([["lock-renew", ""]]), opts, "renew lock on");
  }

  /** Releases a held lock (the variable stays). */
  releaseLock(path: string, lockId: string, opts: WriteOptions = {}): Promise<WriteResponse<Variable>> {
    return this.#put(path, { Lock: { ID: lockId } }, new URLSearchParams([["lock-release", ""]]), opts, "release lock on");
  }

  #put<T>(
    path: string,
    fields: Record<string, unknown>,
    params: URLSearchParams,
    opts: WriteOptions,
    verb: string,
  ): Promise<WriteResponse<T>> {
    // Nomad reads the body Namespace first and the query second: send both, identical.
    const namespace = opts.namespace ?? this.#t.defaults.namespace;
    const body = { ...(namespace ? { Namespace: namespace } : {}), Path: path, ...fields };
    return write(
      this.#t,
      { method: "PUT", path: varPath(path), body, params, mapError: conflictMapper(path) },
      opts,
      {
        action: `${verb} variable ${path}`,
        capability: "variables write",
        resource: `variable "${path}"`,
      },
      VARIABLE,
    );
  }
}
