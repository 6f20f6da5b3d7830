import {
  BackendUnavailableError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  NotRunningError,
  PermissionDeniedError,
  UnauthorizedError,
} from "@agentkernel/core";
import { describe, expect, it } from "vitest";
import { NomadResponseError, VariableConflictError } from "./errors.js";
import type { NomadClient } from "./nomad-client.js";
import { everything, reply, TEST_TOKEN, useFakeNomadClient } from "./test-fake-nomad.js";
import casConflict from "./__fixtures__/variable-cas-conflict-409.json" with { type: "json" };

const TOKEN = TEST_TOKEN;
const setup = useFakeNomadClient();

describe("error mapping", () => {
  it.each([
    [
      403,
      "Permission denied",
      (c: NomadClient) => c.jobs.register({ ID: "a" }),
      PermissionDeniedError,
      /lacks the "submit-job" capability/,
    ],
    [403, "ACL token not found", (c: NomadClient) => c.jobs.list(), UnauthorizedError, /NOMAD_TOKEN/],
    [404, "job not found", (c: NomadClient) => c.jobs.info("a"), NotFoundError, /job "a" was not found.*job not found/],
    [400, "Invalid wait time", (c: NomadClient) => c.jobs.info("a"), InvalidInputError, /Invalid wait time/],
    [
      500,
      "Enforcing job modify index 0: job already exists",
      (c: NomadClient) => c.jobs.register({ ID: "a" }),
      ConflictError,
      /job already exists/,
    ],
    [500, "parameterized job not found", (c: NomadClient) => c.jobs.dispatch("t", {}), NotFoundError, /parameterized job "t"/],
    [
      500,
      'Specified job "t" is not a parameterized job',
      (c: NomadClient) => c.jobs.dispatch("t", {}),
      InvalidInputError,
      /dispatch/,
    ],
    [500, 'Specified job "t" is stopped', (c: NomadClient) => c.jobs.dispatch("t", {}), NotRunningError, /stopped/],
    [
      500,
      "Payload exceeds maximum size; 20000 > 16384",
      (c: NomadClient) => c.jobs.dispatch("t", {}),
      InvalidInputError,
      /Payload exceeds/,
    ],
    [
      500,
      "Dispatch did not provide required meta keys: [k]",
      (c: NomadClient) => c.jobs.dispatch("t", {}),
      InvalidInputError,
      /required meta keys/,
    ],
    [
      500,
      "1 error(s) occurred:\n\n* Missing job ID",
      (c: NomadClient) => c.jobs.register({ ID: "" }),
      InvalidInputError,
      /job spec/,
    ],
    [500, "rpc error: boom", (c: NomadClient) => c.jobs.info("a"), BackendUnavailableError, /boom/],
  ] as const)("%i %s → core error", async (status, body, call, Klass, message) => {
    const { client } = await setup((_req, res) => reply(res, status, body));
    const err = await call(client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Klass);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message.startsWith("[nomad] ")).toBe(true);
    const cause = (err as Error).cause as NomadResponseError;
    expect(cause).toBeInstanceOf(NomadResponseError);
    expect(cause.statusCode).toBe(status);
    expect(cause.body).toBe(body);
    expect(everything(err)).not.toContain(TOKEN);
  });

  it("turns a lost variable CAS into VariableConflictError holding the 409 body", async () => {
    const { fake, client } = await setup((_req, res) => reply(res, 409, casConflict, 1216));
    const err = await client.variables.write("agentkernel/sandboxes/sbx-7f3a", { a: "b" }, { cas: 1210 }).catch((e) => e);
    expect(err).toBeInstanceOf(VariableConflictError);
    expect(ConflictError.isInstance(err)).toBe(true);
    expect((err as VariableConflictError).conflict).toEqual(casConflict);
    expect((err as Error).message).toMatch(/ModifyIndex 1216/);
    const req = fake.requests[0];
    expect(req?.url.split("?")[0]).toBe("/v1/var/agentkernel/sandboxes/sbx-7f3a");
    expect(req?.query.get("cas")).toBe("1210");
    expect(JSON.parse(req?.body ?? "")).toEqual({ Path: "agentkernel/sandboxes/sbx-7f3a", Items: { a: "b" } });
  });
});
