// `pool reap`'s service: one sweep on the Nomad emulator removes a cold sandbox past its TTL; local says it cannot.
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliContext } from "./cli-context.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";
import { removeSandbox } from "./lifecycle.js";
import { poolReap } from "./pool.js";
import { emulatorContext, tempHome, testContext } from "./test-context.js";

let t: Awaited<ReturnType<typeof emulatorContext>>;
let ctx: CliContext;

beforeAll(async () => {
  t = await emulatorContext();
  ({ ctx } = t);
});
afterAll(() => t?.close());

async function names(): Promise<string[]> {
  return (await (await ctx.backend("nomad")).list()).map((s) => s.name).sort();
}

describe("pool reap", () => {
  it("removes a cold sandbox past its TTL, keeps one without a TTL, and reports how many", async () => {
    const backend = await ctx.backend("nomad");
    await backend.create({ name: "cli-reap-short", ttlSeconds: 1 });
    await backend.create({ name: "cli-reap-keep" });
    expect(await names()).toEqual(["cli-reap-keep", "cli-reap-short"]);
    await delay(1_100); // created-at + 1 s is now in the past.
    expect(await poolReap(ctx)).toEqual({ backend: "nomad", reaped: 1 });
    expect(await names()).toEqual(["cli-reap-keep"]);
    expect(await poolReap(ctx)).toEqual({ backend: "nomad", reaped: 0 });
    await removeSandbox(ctx, "cli-reap-keep");
  });

  it("on the local backend (no reaper) fails with CAPABILITY_UNSUPPORTED, a usage exit code and what to do", async () => {
    const local = tempHome();
    const { ctx: lctx } = await testContext(local, "local");
    try {
      const err = await poolReap(lctx).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: "CAPABILITY_UNSUPPORTED" });
      expect(String((err as Error).message)).toMatch(/local backend has no reaper.*--backend nomad/);
      expect(exitCodeFor(err)).toBe(EXIT.usage);
    } finally {
      await lctx.close();
      local.cleanup();
    }
  });
});
