// /v1/evaluation/:id: follow an evaluation to learn whether placement failed and why.
import type { Transport } from "./http.js";
import type { QueryOptions, QueryResponse } from "./params.js";
import { seg } from "./params.js";
import { query } from "./request.js";
import { EVALUATION } from "./shapes.js";
import type { Evaluation } from "./types.js";

/** Evaluation endpoints, named after Nomad's Go `api.Evaluations`. */
export class Evaluations {
  readonly #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** Reads one evaluation (blocking with `index`). Missing → NotFoundError. Needs `read-job`. */
  info(id: string, q: QueryOptions = {}): Promise<QueryResponse<Evaluation>> {
    return query(
      this.#t,
      `/v1/evaluation/${seg(id)}`,
      q,
      {
        action: `read evaluation ${id}`,
        capability: "read-job",
        resource: `evaluation "${id}"`,
      },
      EVALUATION,
    );
  }
}
