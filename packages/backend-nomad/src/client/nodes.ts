// /v1/nodes: client nodes and their driver health, for `doctor` and placement hints.
import type { Transport } from "./http.js";
import type { QueryOptions, QueryResponse } from "./params.js";
import { query } from "./request.js";
import type { NomadNode } from "./types.js";

/** Node endpoints, named after Nomad's Go `api.Nodes`. */
export class Nodes {
  readonly #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** One page of nodes with their `Drivers`. Needs `node:read`. */
  list(q: QueryOptions = {}): Promise<QueryResponse<NomadNode[]>> {
    return query(
      this.#t,
      "/v1/nodes",
      q,
      { action: "list nodes", capability: "node:read" },
      { kind: "array", fields: { ID: "string", Drivers: "object" } },
    );
  }
}
