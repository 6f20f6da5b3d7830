/** ACL: token/self (1.10+ WhoAmI), 403 `Permission denied`, capabilities and variable paths (REFERENCE.md §8). */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Emulator, startEmulator } from "./index.js";
import { arr, batchJob, call, obj } from "./test-helpers.js";

describe("ACLs enabled", () => {
  let nomad: Emulator;
  let client: string;
  let mgmt: string;
  const as = (token: string | undefined, method: string, path: string, body?: unknown) =>
    call(nomad.address, method, path, body, token ? { "X-Nomad-Token": token } : {});
  beforeAll(async () => {
    nomad = await startEmulator({ port: 0, isolation: "none", acl: { enabled: true } });
    mgmt = nomad.managementToken ?? "";
    client = nomad.createToken({
      policies: [
        {
          namespace: "agentkernel",
          capabilities: ["list-jobs", "read-job", "submit-job", "dispatch-job", "alloc-exec", "read-fs", "read-logs"],
          variables: [{ path: "agentkernel/*", capabilities: ["read", "list", "write", "destroy"] }],
          node: "read",
        },
      ],
    }).SecretID;
  });
  afterAll(() => nomad.stop());

  test("anonymous, unknown UUID and wrong namespace are 403 Permission denied (plain text)", async () => {
    const anon = await as(undefined, "GET", "/v1/jobs?namespace=agentkernel");
    expect([anon.status, anon.text, anon.headers.get("content-type")]).toEqual([
      403,
      "Permission denied",
      "text/plain; charset=utf-8",
    ]);
    expect((await as("00000000-0000-4000-8000-000000000000", "GET", "/v1/jobs?namespace=agentkernel")).status).toBe(403);
    expect((await as(client, "GET", "/v1/jobs?namespace=default")).text).toBe("Permission denied");
    expect((await as(client, "GET", "/v1/jobs?namespace=agentkernel")).status).toBe(200);
    const bearer = await call(nomad.address, "GET", "/v1/jobs?namespace=agentkernel", undefined, {
      Authorization: `Bearer ${client}`,
    });
    expect(bearer.status).toBe(200);
  });

  test("capabilities gate writes; management passes everything", async () => {
    expect((await as(client, "PUT", "/v1/jobs?namespace=agentkernel", batchJob("acl-1", ["sleep", "30"]))).status).toBe(200);
    expect((await as(client, "PUT", "/v1/jobs?namespace=default", batchJob("acl-1", ["true"]))).status).toBe(403);
    expect((await as(mgmt, "PUT", "/v1/jobs?namespace=default", batchJob("acl-2", ["true"]))).status).toBe(200);
    const allocs = arr((await as(client, "GET", "/v1/job/acl-1/allocations?namespace=agentkernel")).json);
    if (allocs[0]) expect((await as(client, "POST", `/v1/allocation/${allocs[0].ID}/stop`)).status).toBe(403);
    expect((await as(client, "GET", "/v1/agent/self")).status).toBe(403);
    expect((await as(client, "GET", "/v1/nodes")).status).toBe(200);
    expect((await as(client, "GET", "/v1/event/stream")).text).toBe("Permission denied");
  });

  test("variables by path; list silently drops what the token cannot list", async () => {
    expect((await as(client, "PUT", "/v1/var/agentkernel/x?namespace=agentkernel", { Items: { a: "1" } })).status).toBe(200);
    expect((await as(client, "PUT", "/v1/var/other/x?namespace=agentkernel", { Items: { a: "1" } })).status).toBe(403);
    expect((await as(mgmt, "PUT", "/v1/var/other/y?namespace=agentkernel", { Items: { a: "1" } })).status).toBe(200);
    expect((await as(client, "GET", "/v1/var/other/missing?namespace=agentkernel")).status).toBe(403);
    const list = arr((await as(client, "GET", "/v1/vars?namespace=agentkernel")).json);
    expect(list.map((v) => v.Path)).toEqual(["agentkernel/x"]);
  });

  test("token/self", async () => {
    const self = obj((await as(client, "GET", "/v1/acl/token/self")).json);
    expect(self).toMatchObject({ SecretID: client, Type: "client" });
    expect(obj((await as(mgmt, "GET", "/v1/acl/token/self")).json).Type).toBe("management");
    expect(obj((await as(undefined, "GET", "/v1/acl/token/self")).json).AccessorID).toBe("anonymous");
    const bogus = await as("00000000-0000-4000-8000-000000000000", "GET", "/v1/acl/token/self");
    expect([bogus.status, bogus.text]).toEqual([403, "Permission denied"]);
    const jwt = await as("not-a-uuid.jwt.sig", "GET", "/v1/acl/token/self");
    expect([jwt.status, jwt.text]).toEqual([404, "ACL token not found"]);
  });
});

describe("ACLs disabled", () => {
  let nomad: Emulator;
  beforeAll(async () => {
    nomad = await startEmulator({ port: 0, isolation: "none" });
  });
  afterAll(() => nomad.stop());

  test("token/self is the acls-disabled token (1.10+) and createToken refuses", async () => {
    const r = await call(nomad.address, "GET", "/v1/acl/token/self");
    expect(r.status).toBe(200);
    expect(obj(r.json).AccessorID).toBe("acls-disabled");
    expect(() => nomad.createToken({ policies: [] })).toThrow(/ACLs are disabled/);
  });
});
