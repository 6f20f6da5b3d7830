// Error rendering: one line with the code, JSON shape, secrets scrubbed, stacks only in the detail.
import { InvalidInputError, NotFoundError } from "@agentkernel/core";
import { describe, expect, it } from "vitest";
import { debugEnabled, errorJson, formatErrorLine, reportError, scrubSecrets } from "./error-report.js";

describe("error report", () => {
  it("renders a core error as one line with its code", () => {
    const report = reportError(new NotFoundError('sandbox "x" does not exist; create it first', { backend: "nomad" }));
    expect(formatErrorLine(report)).toBe('agentkernel: [nomad] sandbox "x" does not exist; create it first [NOT_FOUND]');
    expect(report.exitCode).toBe(3);
    expect(errorJson(report)).toEqual({ success: false, error: { code: "NOT_FOUND", message: report.message } });
  });

  it("calls a non-core error a bug and keeps the stack for --verbose only", () => {
    const report = reportError(new TypeError("x is undefined"));
    expect(report.code).toBe("INTERNAL");
    expect(report.message).toMatch(/^internal error: x is undefined; rerun with --verbose/);
    expect(report.message).not.toMatch(/at /);
    expect(report.detail).toMatch(/TypeError: x is undefined\n\s+at /);
  });

  it("scrubs secrets from message and detail, including causes", () => {
    const secret = "3f1c2d4e-aaaa-bbbb-cccc-0123456789ab";
    const error = new NotFoundError(`token ${secret} rejected`, { cause: new Error(`header X-Nomad-Token: ${secret}`) });
    const report = reportError(error, [secret, undefined]);
    expect(JSON.stringify(report)).not.toContain(secret);
    expect(scrubSecrets("a secret-value b", ["secret-value"])).toBe("a <redacted> b");
  });

  it("reads DEBUG=agentkernel*", () => {
    expect(debugEnabled({ DEBUG: "agentkernel*" })).toBe(true);
    expect(debugEnabled({ DEBUG: "express,agentkernel:cli" })).toBe(true);
    expect(debugEnabled({ DEBUG: "*" })).toBe(true);
    expect(debugEnabled({ DEBUG: "other" })).toBe(false);
    expect(debugEnabled({})).toBe(false);
  });

  it("keeps oclif parse errors on one line and unwraps flag-parser errors", () => {
    const multi = Object.assign(
      new Error(
        "The following errors occurred:\n  --cpu=1 cannot also be provided when using --vcpus\nSee more help with --help",
      ),
      {
        oclif: { exit: 2 },
      },
    );
    expect(reportError(multi).message).toBe(
      "The following errors occurred: --cpu=1 cannot also be provided when using --vcpus; see --help for usage",
    );
    const wrapped = new InvalidInputError('--vcpus: "0" is not a positive number');
    wrapped.message = `Parsing --vcpus \n\t${wrapped.message}\nSee more help with --help`;
    expect(reportError(wrapped)).toMatchObject({
      code: "INVALID_INPUT",
      message: '--vcpus: "0" is not a positive number',
      exitCode: 2,
    });
  });
});
