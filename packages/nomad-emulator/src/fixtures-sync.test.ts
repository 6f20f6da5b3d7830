/** The vendored Nomad API examples stay identical to ../shared/nomad-api/examples when that reference is beside the repo. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const vendored = fileURLToPath(new URL("../fixtures/nomad-api-examples/", import.meta.url));
const shared = fileURLToPath(new URL("../../../../shared/nomad-api/examples/", import.meta.url));

describe("vendored Nomad API examples", () => {
  it("are all present (the contract tests read them)", () => {
    expect(readdirSync(vendored).filter((f) => f.endsWith(".json")).length).toBeGreaterThanOrEqual(13);
  });

  it.runIf(existsSync(shared))("match ../shared/nomad-api/examples byte for byte", () => {
    const names = readdirSync(shared).filter((f) => f.endsWith(".json"));
    for (const name of names) {
      expect(readFileSync(`${vendored}${name}`, "utf8"), name).toBe(readFileSync(`${shared}${name}`, "utf8"));
    }
  });
});
