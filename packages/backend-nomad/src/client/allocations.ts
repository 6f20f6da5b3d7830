// /v1/allocation(s): read, list and stop allocations.
import type { Transport } from "./http.js";
import type { QueryOptions, QueryResponse, WriteOptions, WriteResponse } from "./params.js";
import { seg } from "./params.js";
import { query, write } from "./request.js";
import { ALLOC_STUB, OBJECT } from "./shapes.js";
import type { Allocation, AllocationListStub } from "./types.js";

/** Allocation endpoints, named after Nomad's Go `api.Allocations`. */
export class Allocations {
  readonly #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** Reads one allocation by full UUID. Missing → NotFoundError. Needs `read-job`. */
  info(id: string, q: QueryOptions = {}): Promise<QueryResponse<Allocation>> {
    return query(
      this.#t,
      `/v1/allocation/${seg(id)}`,
      q,
      {
        action: `read allocation ${id}`,
        capability: "read-job",
        resource: `allocation "${id}"`,
      },
      { kind: "object", fields: ALLOC_STUB.fields },
    );
  }

  /** One page of allocation stubs; filter e.g. `JobID == "x" and ClientStatus == "running"`. */
  list(q: QueryOptions = {}): Promise<QueryResponse<AllocationListStub[]>> {
    return query(this.#t, "/v1/allocations", q, { action: "list allocations", capability: "read-job" }, ALLOC_STUB);
  }

  /**
   * Stops one allocation. Nomad then places a replacement (even for batch jobs): to end a sandbox, stop the job.
   * Needs `alloc-lifecycle`.
   */
  stop(id: string, opts: WriteOptions & { noShutdownDelay?: boolean } = {}): Promise<WriteResponse<{ EvalID: string }>> {
    const params = new URLSearchParams();
    if (opts.noShutdownDelay) params.set("no_shutdown_delay", "true");
    return write(
      this.#t,
      { method: "PUT", path: `/v1/allocation/${seg(id)}/stop`, params },
      opts,
      {
        action: `stop allocation ${id}`,
        capability: "alloc-lifecycle",
        resource: `allocation "${id}"`,
      },
      OBJECT,
    );
  }
}
