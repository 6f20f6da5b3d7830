// The one status table: complete over core codes, 500 only for bugs, and unknown errors never echo their message.
import { AlreadyExistsError, ERROR_CODES, InternalError, NotFoundError } from "@agentkernel/core";
import { describe, expect, it } from "vitest";
import { HttpEdgeError, STATUS_BY_CODE, toErrorResponse } from "./error-handler.js";

describe("error table", () => {
  it("maps every core error code, and only INTERNAL to 500", () => {
    for (const code of ERROR_CODES) {
      expect(STATUS_BY_CODE[code], code).toBeTypeOf("number");
      if (code !== "INTERNAL") expect(STATUS_BY_CODE[code], code).not.toBe(500);
    }
  });

  it("pins the statuses the API promises", () => {
    expect(STATUS_BY_CODE).toMatchObject({
      INVALID_INPUT: 400,
      UNAUTHORIZED: 401,
      PERMISSION_DENIED: 403,
      NOT_FOUND: 404,
      ALREADY_EXISTS: 409,
      CONFLICT: 409,
      PLACEMENT_FAILED: 422,
      BACKEND_UNAVAILABLE: 503,
      TIMEOUT: 504,
      INTERNAL: 500,
    });
  });

  it("renders core errors with their code and message", () => {
    expect(toErrorResponse(new AlreadyExistsError("name taken"), "r1")).toEqual({
      status: 409,
      body: { success: false, error: { code: "ALREADY_EXISTS", message: "name taken" } },
      bug: false,
    });
    expect(toErrorResponse(new NotFoundError("gone", { backend: "nomad" }), "r1").body.error.message).toBe("[nomad] gone");
    expect(toErrorResponse(new InternalError("x"), "r1")).toMatchObject({ status: 500, bug: true });
    expect(toErrorResponse(new HttpEdgeError("TOO_MANY_REQUESTS", "busy"), "r1").status).toBe(429);
  });

  it("hides the message of a non-agentkernel error and points at the request id", () => {
    const res = toErrorResponse(new TypeError("secret internals at /srv/key"), "req-42");
    expect(res.status).toBe(500);
    expect(res.bug).toBe(true);
    expect(res.body.error.code).toBe("INTERNAL");
    expect(res.body.error.message).not.toContain("secret");
    expect(res.body.error.message).toContain("req-42");
  });
});
