// /v1/status/leader: the cheapest proof the API is reachable.
import type { Transport } from "./http.js";
import type { QueryOptions, QueryResponse } from "./params.js";
import { query } from "./request.js";

/** Status endpoints, named after Nomad's Go `api.Status`. */
export class Status {
  readonly #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** The leader's RPC address (`"10.0.0.1:4647"`), or `""` when the cluster has no leader. No ACL needed. */
  leader(q: QueryOptions = {}): Promise<QueryResponse<string>> {
    return query(this.#t, "/v1/status/leader", q, { action: "read the cluster leader" }, { kind: "string" });
  }
}
