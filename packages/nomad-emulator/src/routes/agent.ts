/** /v1/agent/self, /v1/agent/health, /v1/status/leader, /v1/status/peers, /v1/nodes and /v1/node/:id. */
import { blockingQuery, parseBlocking } from "../blocking.js";
import { HttpError, sendJson, sendText } from "../http-util.js";
import { filterFrom, paginate } from "../paginate.js";
import { EMULATED_VERSION, nodeStub } from "../options.js";
import { type Call, readError, sendRead } from "../route-context.js";

const SERVER_ADDR = "127.0.0.1:4647";

/** GET /v1/status/leader: a JSON string, "" while there is no leader. */
export function statusLeader(c: Call): void {
  sendJson(c.res, 200, c.emu.faults.noLeader() ? "" : SERVER_ADDR);
}

/** GET /v1/status/peers. */
export function statusPeers(c: Call): void {
  sendJson(c.res, 200, [SERVER_ADDR]);
}

/** GET /v1/agent/health: 200 JSON, or 500 whose plain-text body is that JSON. */
export function agentHealth(c: Call): void {
  const type = c.url.searchParams.get("type");
  const noLeader = c.emu.faults.noLeader();
  const body: Record<string, { ok: boolean; message: string }> = {};
  if (type !== "server") body.client = { ok: true, message: "ok" };
  if (type !== "client") body.server = noLeader ? { ok: false, message: "No cluster leader" } : { ok: true, message: "ok" };
  if (noLeader && type !== "client") {
    sendText(c.res, 500, JSON.stringify(body));
    return;
  }
  sendJson(c.res, 200, body);
}

/** GET /v1/agent/self (ACL agent:read). */
export function agentSelf(c: Call): void {
  if (!c.emu.acl.allowsScope(c.token, "agent", "read")) throw new HttpError(403, "Permission denied");
  const addr = new URL(c.emu.address());
  sendJson(
    c.res,
    200,
    {
      config: {
        Region: c.emu.region,
        Datacenter: c.emu.datacenter,
        NodeName: "nomad-emulator",
        Version: {
          Version: EMULATED_VERSION,
          VersionPrerelease: "",
          VersionMetadata: "emulator",
          Revision: "emulator",
          BuildDate: "2026-01-01T00:00:00Z",
        },
        ACL: { Enabled: c.emu.acl.enabled },
        Client: { Enabled: true },
        Server: { Enabled: true },
        Ports: { HTTP: Number(addr.port), RPC: 4647, Serf: 4648 },
      },
      member: {
        Name: "nomad-emulator.global",
        Addr: "127.0.0.1",
        Port: 4648,
        Tags: { region: c.emu.region, dc: c.emu.datacenter, role: "nomad", build: EMULATED_VERSION },
        Status: "alive",
      },
      stats: {
        nomad: { leader: String(!c.emu.faults.noLeader()), known_regions: "1", server: "true" },
        client: { known_servers: SERVER_ADDR, num_allocations: String(c.emu.state.allocs.size) },
      },
    },
    c.url.searchParams.has("pretty"),
  );
}

/** GET /v1/nodes (ACL node:read). */
export async function listNodes(c: Call): Promise<void> {
  if (!c.emu.acl.allowsScope(c.token, "node", "read")) throw new HttpError(403, "Permission denied");
  const prefix = c.url.searchParams.get("prefix") ?? "";
  const filter = filterFrom(c.url);
  const { state } = c.emu;
  const r = await blockingQuery(state, parseBlocking(c.url), () => ({ index: state.tables.nodes }), c.signal, ["nodes"]);
  const nodes = [...state.nodes.values()].filter((n) => n.ID.startsWith(prefix)).map((n) => nodeStub(n, EMULATED_VERSION));
  const { page } = paginate(nodes, c.url, {
    filter,
    full: (n) => n,
    token: (n) => String(n.ID),
    atOrAfter: (n, t) => String(n.ID) >= t,
  });
  sendRead(c, r.index, page);
}

/** GET /v1/node/:id. */
export function readNode(c: Call): void {
  if (!c.emu.acl.allowsScope(c.token, "node", "read")) throw new HttpError(403, "Permission denied");
  const n = c.emu.state.nodes.get(c.param);
  if (!n) readError(c, c.emu.state.tables.nodes, 404, "node not found");
  sendRead(c, n.ModifyIndex, nodeStub(n, EMULATED_VERSION));
}
