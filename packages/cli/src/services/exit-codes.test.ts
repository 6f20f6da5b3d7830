// The exit-code table covers every core error code and gives each documented class its number.
import {
  AlreadyExistsError,
  BackendUnavailableError,
  ERROR_CODES,
  InternalError,
  InvalidInputError,
  NotFoundError,
  PlacementFailedError,
  TimeoutError,
  UnauthorizedError,
} from "@agentkernel/core";
import { describe, expect, it } from "vitest";
import { EXIT, EXIT_CODE_BY_ERROR, errorCodeOf, exitCodeFor } from "./exit-codes.js";

describe("exit codes", () => {
  it("maps every core error code", () => {
    expect(Object.keys(EXIT_CODE_BY_ERROR).sort()).toEqual([...ERROR_CODES].sort());
  });

  it("gives each class its documented code", () => {
    expect(exitCodeFor(new InvalidInputError("x"))).toBe(2);
    expect(exitCodeFor(new NotFoundError("x"))).toBe(3);
    expect(exitCodeFor(new PlacementFailedError("x"))).toBe(4);
    expect(exitCodeFor(new UnauthorizedError("x"))).toBe(5);
    expect(exitCodeFor(new BackendUnavailableError("x"))).toBe(6);
    expect(exitCodeFor(new TimeoutError("x"))).toBe(7);
    expect(exitCodeFor(new AlreadyExistsError("x"))).toBe(8);
    expect(exitCodeFor(new InternalError("x"))).toBe(70);
  });

  it("treats oclif parse errors as usage and anything else as internal", () => {
    const parseError = Object.assign(new Error("Nonexistent flag: --nope"), { oclif: { exit: 2 } });
    expect(errorCodeOf(parseError)).toBe("INVALID_INPUT");
    expect(exitCodeFor(parseError)).toBe(EXIT.usage);
    expect(errorCodeOf(new TypeError("boom"))).toBe("INTERNAL");
    expect(exitCodeFor("a string")).toBe(EXIT.internal);
  });
});
