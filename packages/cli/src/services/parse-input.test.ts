// Strict flag parsing: durations and K=V pairs, with errors that say what to type instead.
import { describe, expect, it } from "vitest";
import { parseDuration, parseEnvFlags, parseLabelFlags } from "./parse-input.js";

describe("parseDuration", () => {
  it("accepts units and compounds", () => {
    expect(parseDuration("250ms", "timeout")).toBe(250);
    expect(parseDuration("30s", "timeout")).toBe(30_000);
    expect(parseDuration("5m", "ttl")).toBe(300_000);
    expect(parseDuration("1h30m", "ttl")).toBe(5_400_000);
    expect(parseDuration("2d", "ttl")).toBe(172_800_000);
  });

  it.each(["30", "", "1.5h", "-5s", "0s", "5 m", "1x", "s", "1h-"])("rejects %j with a hint", (input) => {
    expect(() => parseDuration(input, "timeout")).toThrow(/--timeout: .*e\.g\. 30s/);
  });
});

describe("K=V flags", () => {
  it("parses env and labels; values may contain =", () => {
    expect(parseEnvFlags(["A=1", "B_2=x=y", "EMPTY="])).toEqual({ A: "1", B_2: "x=y", EMPTY: "" });
    expect(parseLabelFlags(["team=ml", "app.kubernetes.io-name=x"])).toEqual({ team: "ml", "app.kubernetes.io-name": "x" });
  });

  it("rejects malformed pairs, bad keys and duplicates", () => {
    expect(() => parseEnvFlags(["NOEQUALS"])).toThrow(/--env: "NOEQUALS" is not KEY=VALUE/);
    expect(() => parseEnvFlags(["=v"])).toThrow(/not KEY=VALUE/);
    expect(() => parseEnvFlags(["1BAD=v"])).toThrow(/not a valid key/);
    expect(() => parseEnvFlags(["A-B=v"])).toThrow(/not a valid key/);
    expect(() => parseLabelFlags(["a b=v"])).toThrow(/--label: .*not a valid key/);
    expect(() => parseEnvFlags(["A=1", "A=2"])).toThrow(/given twice/);
  });
});
