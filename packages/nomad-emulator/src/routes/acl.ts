/** /v1/acl/token/self with Nomad 1.10+ (WhoAmI) behaviour. */
import { HttpError } from "../http-util.js";
import { type Call, sendRead } from "../route-context.js";

/**
 * 1.10+: ACLs off → 200 with AccessorID "acls-disabled"; no token → the anonymous token; a token that is not a
 * UUID is treated as a workload-identity JWT that does not resolve → 404 `ACL token not found`; an unknown
 * UUID → 403 `Permission denied`.
 */
export function tokenSelf(c: Call): void {
  const id = c.emu.acl.identify(c.token);
  const index = c.emu.state.tables.acl;
  const base = {
    Roles: null,
    Global: false,
    CreateTime: "0001-01-01T00:00:00Z",
    ExpirationTime: null,
    ExpirationTTL: 0,
    CreateIndex: 0,
    ModifyIndex: 0,
  };
  switch (id.kind) {
    case "disabled": {
      sendRead(c, index, {
        ...base,
        AccessorID: "acls-disabled",
        SecretID: "",
        Name: "ACLs disabled",
        Type: "management",
        Policies: null,
      });
      return;
    }
    case "anonymous": {
      sendRead(c, index, {
        ...base,
        AccessorID: "anonymous",
        SecretID: "anonymous",
        Name: "Anonymous Token",
        Type: "client",
        Policies: ["anonymous"],
      });
      return;
    }
    case "unknown":
      if (id.uuid) throw new HttpError(403, "Permission denied");
      throw new HttpError(404, "ACL token not found");
    default: {
      sendRead(c, index, { ...id.token, ExpirationTTL: 0 });
      return;
    }
  }
}
