// /v1/agent/self and /v1/agent/health, for `doctor`.
import type { Transport } from "./http.js";
import { NomadResponseError } from "./errors.js";
import type { QueryOptions, QueryResponse } from "./params.js";
import { query } from "./request.js";
import type { AgentHealthResponse, AgentSelf } from "./types.js";

/** Agent endpoints, named after Nomad's Go `api.Agent`. */
export class Agent {
  readonly #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** The agent's config, member and stats; `config.Version.Version` is the Nomad version. Needs `agent:read`. */
  self(q: QueryOptions = {}): Promise<QueryResponse<AgentSelf>> {
    return query(this.#t, "/v1/agent/self", q, { action: "read agent info", capability: "agent:read" }, { kind: "object" });
  }

  /**
   * The agent's health (`?type=client|server` via `params`). Nomad answers an unhealthy agent with 500 whose
   * body is the same JSON: that is returned as data, not thrown, so `doctor` can show each role's message.
   */
  async health(q: QueryOptions = {}): Promise<AgentHealthResponse> {
    try {
      return (
        await query<AgentHealthResponse>(this.#t, "/v1/agent/health", q, { action: "check agent health" }, { kind: "object" })
      ).data;
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof NomadResponseError && cause.statusCode === 500) {
        try {
          const body = JSON.parse(cause.body) as AgentHealthResponse;
          if (body && (body.client || body.server)) return body;
        } catch {
          // Not the health JSON: a real failure, rethrown below.
        }
      }
      throw err;
    }
  }
}
