import { inspect } from "node:util";
import { PermissionDeniedError, UnauthorizedError } from "@agentkernel/core";
import { type Emulator, startEmulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NomadClient } from "./nomad-client.js";
import { rawExecJob, running, waitForAlloc } from "./test-jobs.js";

const MANAGEMENT = "1a2b3c4d-0000-4000-8000-5ec4e7000001";
let nomad: Emulator;
let admin: NomadClient;
let readOnlySecret: string;
let readOnly: NomadClient;
let allocId: string;
const errors: unknown[] = [];

beforeAll(async () => {
  nomad = await startEmulator({
    port: 0,
    isolation: "none",
    maxKillTimeoutMs: 100,
    acl: { enabled: true, managementToken: MANAGEMENT },
  });
  admin = new NomadClient({ address: nomad.address, token: MANAGEMENT });
  readOnlySecret = nomad.createToken({ policies: [{ namespace: "default", policy: "read" }], name: "ro" }).SecretID;
  readOnly = new NomadClient({
    address: nomad.address,
    token: readOnlySecret,
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
  });
  await admin.jobs.register(rawExecJob("sbx-acl", ["/bin/sleep", "1000"]));
  allocId = (await waitForAlloc(admin, "sbx-acl", running)).ID;
}, 30_000);

afterAll(async () => {
  await admin?.jobs.deregister("sbx-acl", { purge: true }).catch(() => {});
  await admin?.close();
  await readOnly?.close();
  await nomad?.stop();
});

async function failure(p: Promise<unknown>): Promise<unknown> {
  const err = await p.then(
    () => new Error("expected a failure"),
    (e: unknown) => e,
  );
  errors.push(err);
  return err;
}

describe("ACL errors", () => {
  it("a token without submit-job gets PermissionDeniedError naming the capability and namespace", async () => {
    const err = await failure(readOnly.jobs.register(rawExecJob("sbx-x", ["/bin/true"])));
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect((err as Error).message).toMatch(/lacks the "submit-job" capability/);
    expect((await readOnly.jobs.info("sbx-acl")).data.ID).toBe("sbx-acl");
  });

  it("exec without alloc-exec is closed with 1011 Permission denied → PermissionDeniedError", async () => {
    const session = await readOnly.exec.start(allocId, { task: "main", command: ["true"] });
    const err = await failure(session.exitCode);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect((err as Error).message).toMatch(/alloc-exec/);
  });

  it("the event stream without management for a bare topic is refused before streaming", async () => {
    const err = await failure(
      (async () => {
        for await (const _ of readOnly.events.stream({ topics: { Node: ["*"] } })) break;
      })(),
    );
    expect(err).toBeInstanceOf(PermissionDeniedError);
  });

  it("an unknown token is refused; token/self tells who a valid token is", async () => {
    const stranger = new NomadClient({ address: nomad.address, token: "99999999-9999-4999-8999-999999999999" });
    try {
      const err = await failure(stranger.jobs.list());
      expect(PermissionDeniedError.isInstance(err) || UnauthorizedError.isInstance(err)).toBe(true);
    } finally {
      await stranger.close();
    }
    expect((await readOnly.acl.tokenSelf()).data.Name).toBe("ro");
  });

  it("no error, cause, inspect output or JSON ever contains a token", () => {
    expect(errors.length).toBeGreaterThanOrEqual(4);
    for (const err of errors) {
      const text = `${inspect(err, { depth: 20, showHidden: true })}\n${JSON.stringify(err)}\n${String(err)}`;
      expect(text).not.toContain(readOnlySecret);
      expect(text).not.toContain(MANAGEMENT);
      expect(text).not.toContain("99999999-9999-4999-8999-999999999999");
    }
  });
});
