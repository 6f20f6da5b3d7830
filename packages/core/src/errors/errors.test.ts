import { describe, expect, it } from "vitest";
import * as errors from "./index.js";
import { AgentkernelError, ERROR_CODES } from "./agentkernel-error.js";

const classes = Object.entries(errors).filter(
  ([name, value]) => typeof value === "function" && name.endsWith("Error") && name !== "AgentkernelError",
) as [string, new (...args: never[]) => AgentkernelError][];

describe("error classes", () => {
  it("has one class per code (besides the base)", () => {
    const codes = classes.map(([, C]) => new (C as unknown as new (m: string) => AgentkernelError)("x").code).sort();
    expect(codes).toEqual([...ERROR_CODES].sort());
  });

  it.each(classes)("%s keeps code, name, cause and backend prefix", (name, C) => {
    const cause = new Error("root");
    const e = new (C as unknown as new (m: string, o: object) => AgentkernelError)("do this", { cause, backend: "nomad" });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe(name);
    expect(e.cause).toBe(cause);
    expect(AgentkernelError.isInstance(e)).toBe(true);
    expect((C as unknown as { isInstance(x: unknown): boolean }).isInstance(e)).toBe(true);
    expect(e.message.startsWith("[nomad] ")).toBe(true);
    expect(JSON.parse(JSON.stringify(e))).toEqual({ code: e.code, message: e.message });
  });

  it("isInstance works across realms (a plain object carrying the global marker)", () => {
    const foreign = new errors.NotFoundError("x");
    const clone = Object.assign(Object.create(null), { code: "NOT_FOUND", [Symbol.for("agentkernel.error")]: true });
    expect(errors.NotFoundError.isInstance(clone)).toBe(true);
    expect(errors.ConflictError.isInstance(foreign)).toBe(false);
    expect(AgentkernelError.isInstance(new Error("x"))).toBe(false);
    expect(AgentkernelError.isInstance({ code: "NOT_FOUND" })).toBe(false);
  });
});
