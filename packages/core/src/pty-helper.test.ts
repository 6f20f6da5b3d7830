// The pty helper's argv builders: sizes the helper can take (struct winsize holds 1…65535), argv kept as argv.
import { describe, expect, it } from "vitest";
import { PTY_HELPER_PY, ptyHelperArgv, ptyResizeLine } from "./pty-helper.js";

describe("ptyHelperArgv / ptyResizeLine", () => {
  it("passes the program's argv through untouched after the helper and the size", () => {
    const argv = ptyHelperArgv(30, 100, ["sh", "-c", "echo $(id)", "'quoted'"]);
    expect(argv).toEqual(["python3", "-c", PTY_HELPER_PY, "30", "100", "sh", "-c", "echo $(id)", "'quoted'"]);
    expect(ptyHelperArgv(24, 80, ["true"], "/usr/bin/python3")[0]).toBe("/usr/bin/python3");
  });

  it("clamps sizes to what a winsize holds, truncating fractions and mapping non-numbers to 1", () => {
    expect(ptyResizeLine(40.9, 120)).toBe("40 120\n");
    expect(ptyResizeLine(0, -5)).toBe("1 1\n");
    expect(ptyResizeLine(Number.NaN, Number.POSITIVE_INFINITY)).toBe("1 1\n");
    expect(ptyResizeLine(70_000, 65_535)).toBe("65535 65535\n");
    expect(ptyHelperArgv(0, 1e9, []).slice(3)).toEqual(["1", "65535"]);
  });
});
