// /v1/acl/token/self: who the configured token is.
import type { Transport } from "./http.js";
import type { QueryOptions, QueryResponse } from "./params.js";
import { query } from "./request.js";
import type { AclToken } from "./types.js";

/** ACL endpoints, named after Nomad's Go `api.ACLTokens`. */
export class Acl {
  readonly #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /**
   * The token in use. Nomad ≤ 1.9 with ACLs off answers 400 `ACL support disabled` (InvalidInputError);
   * 1.10+ answers `AccessorID: "acls-disabled"`.
   */
  tokenSelf(q: QueryOptions = {}): Promise<QueryResponse<AclToken>> {
    return query(
      this.#t,
      "/v1/acl/token/self",
      q,
      { action: "read the token's own ACL entry", resource: "the token" },
      {
        kind: "object",
      },
    );
  }
}
