// Keeps docs/add-a-backend.md in sync with the suite: every case id is listed, and no listed id is stale.
import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { CONFORMANCE_CASE_IDS } from "./cases/index.js";

it("docs/add-a-backend.md lists exactly the suite's case ids", async () => {
  const doc = await readFile(new URL("../docs/add-a-backend.md", import.meta.url), "utf8");
  const listed = [...doc.matchAll(/^\| `([a-z]+\/[a-z0-9-]+)` \|/gm)].map((m) => m[1]);
  expect(listed).toEqual([...CONFORMANCE_CASE_IDS]);
});
