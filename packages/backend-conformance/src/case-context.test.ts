// The case context: generated names are valid and unique, specs merge, and dispose removes what the run created.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Backend, SANDBOX_NAME_PATTERN } from "@agentkernel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaseContext, RUN_LABEL } from "./case-context.js";
import { createReferenceBackend } from "./reference-backend.js";

let rootDir: string;
let backend: Backend;

beforeAll(async () => {
  rootDir = await mkdtemp(join(tmpdir(), "akc-context-"));
  backend = createReferenceBackend({ rootDir });
});

afterAll(async () => {
  await backend.close?.();
  await rm(rootDir, { recursive: true, force: true });
});

describe("createCaseContext", () => {
  it("generates valid, unique names even from long or odd labels", () => {
    const { ctx } = createCaseContext(backend);
    const names = ["x", "Some_Label With.Dots", "-", "a".repeat(100), "x"].map((label) => ctx.name(label));
    for (const name of names) expect(name).toMatch(SANDBOX_NAME_PATTERN);
    expect(new Set(names).size).toBe(names.length);
    const other = createCaseContext(backend).ctx.name("x");
    expect(names).not.toContain(other);
  });

  it("merges the suite spec, keeps the run label, and never lets extra override the name", () => {
    const { ctx } = createCaseContext(backend, { spec: { image: "alpine:3.20", labels: { team: "a" } }, runId: "r1" });
    const spec = ctx.spec("akc-r1-x-1", { name: "other", labels: { purpose: "p", [RUN_LABEL]: "forged" } });
    expect(spec).toEqual({ name: "akc-r1-x-1", image: "alpine:3.20", labels: { team: "a", purpose: "p", [RUN_LABEL]: "r1" } });
  });

  it("shares one running sandbox, and dispose removes every sandbox the context named", async () => {
    const { ctx, dispose } = createCaseContext(backend);
    const [a, b] = await Promise.all([ctx.shared(), ctx.shared()]);
    expect(a).toBe(b);
    expect((await backend.get(a)).status).toBe("running");
    const extra = ctx.name("extra");
    await backend.create(ctx.spec(extra));
    await dispose();
    const left = await backend.list({ labels: ctx.runLabels });
    expect(left).toEqual([]);
  });
});
