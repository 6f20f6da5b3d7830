/** Lifecycle cases: create, start, get, list, stop, restart, remove, and the name errors. */
import { expect } from "vitest";
import type { ConformanceCase } from "../conformance-case.js";
import { expectCoreError, run } from "../case-helpers.js";

/** Every lifecycle case, in the order testBackend registers them. */
export const lifecycleCases: ConformanceCase[] = [
  {
    id: "lifecycle/create",
    title: "create defines a sandbox without starting it (status stopped)",
    run: async (ctx) => {
      const name = ctx.name("create");
      const info = await ctx.backend.create(ctx.spec(name, { labels: { purpose: "create" } }));
      expect(info.name).toBe(name);
      expect(info.backend).toBe(ctx.backend.backendId);
      expect(info.status).toBe("stopped");
      expect(info.createdAt).toBeInstanceOf(Date);
      expect(info.labels).toMatchObject({ purpose: "create", ...ctx.runLabels });
      expect((await ctx.backend.get(name)).status).toBe("stopped");
    },
  },
  {
    id: "lifecycle/start",
    title: "start resolves with status running, and get agrees",
    run: async (ctx) => {
      const name = ctx.name("start");
      await ctx.backend.create(ctx.spec(name));
      const started = await ctx.backend.start(name);
      expect(started.name).toBe(name);
      expect(started.status).toBe("running");
      const got = await ctx.backend.get(name);
      expect(got.status).toBe("running");
      expect(got.name).toBe(name);
      const echoed = await run(ctx, name, { command: ["printf", "up"] });
      expect(echoed.stdout.toString()).toBe("up");
    },
  },
  {
    id: "lifecycle/list",
    title: "list contains the sandbox, and a label filter includes or excludes it",
    run: async (ctx) => {
      const name = ctx.name("list");
      await ctx.backend.create(ctx.spec(name, { labels: { purpose: "list" } }));
      const all = await ctx.backend.list();
      expect(all.map((s) => s.name)).toContain(name);
      const matching = await ctx.backend.list({ labels: { ...ctx.runLabels, purpose: "list" } });
      expect(matching.map((s) => s.name)).toEqual([name]);
      const none = await ctx.backend.list({ labels: { ...ctx.runLabels, purpose: "no-such-purpose" } });
      expect(none.map((s) => s.name)).not.toContain(name);
    },
  },
  {
    id: "lifecycle/stop-and-restart",
    title: "stop keeps the definition (status stopped); start works again and exec runs",
    run: async (ctx) => {
      const name = ctx.name("restart");
      await ctx.backend.create(ctx.spec(name));
      await ctx.backend.start(name);
      await ctx.backend.stop(name);
      expect((await ctx.backend.get(name)).status).toBe("stopped");
      expect((await ctx.backend.list()).map((s) => s.name)).toContain(name);
      expect((await ctx.backend.start(name)).status).toBe("running");
      expect((await ctx.backend.get(name)).status).toBe("running");
      const result = await run(ctx, name, { command: ["printf", "again"] });
      expect(result.stdout.toString()).toBe("again");
    },
  },
  {
    id: "lifecycle/remove",
    title: "remove deletes the sandbox; a second remove is not an error",
    run: async (ctx) => {
      const name = ctx.name("remove");
      await ctx.backend.create(ctx.spec(name));
      await ctx.backend.start(name);
      await ctx.backend.remove(name);
      await expectCoreError(ctx.backend.get(name), "NOT_FOUND", "get after remove");
      expect((await ctx.backend.list()).map((s) => s.name)).not.toContain(name);
      await ctx.backend.remove(name);
      await ctx.backend.remove(ctx.name("never-created"));
    },
  },
  {
    id: "lifecycle/name-taken",
    title: "create with a taken name throws AlreadyExistsError, also when two creates race",
    run: async (ctx) => {
      const name = ctx.name("taken");
      await ctx.backend.create(ctx.spec(name));
      await expectCoreError(ctx.backend.create(ctx.spec(name)), "ALREADY_EXISTS", "second create of a taken name");
      const raced = ctx.name("race");
      const outcomes = await Promise.allSettled([ctx.backend.create(ctx.spec(raced)), ctx.backend.create(ctx.spec(raced))]);
      const won = outcomes.filter((o) => o.status === "fulfilled");
      expect(won, "exactly one of two concurrent creates of one name succeeds").toHaveLength(1);
      const lost = outcomes.find((o) => o.status === "rejected");
      await expectCoreError(Promise.reject(lost?.reason), "ALREADY_EXISTS", "the losing concurrent create");
    },
  },
  {
    id: "lifecycle/get-missing",
    title: "get, start and stop of a missing sandbox throw NotFoundError",
    run: async (ctx) => {
      const name = ctx.name("missing");
      await expectCoreError(ctx.backend.get(name), "NOT_FOUND", "get of a missing sandbox");
      await expectCoreError(ctx.backend.start(name), "NOT_FOUND", "start of a missing sandbox");
      await expectCoreError(ctx.backend.stop(name), "NOT_FOUND", "stop of a missing sandbox");
    },
  },
  {
    id: "lifecycle/invalid-name",
    title: "invalid names throw InvalidInputError and are never rewritten",
    run: async (ctx) => {
      for (const bad of ["Bad_Name", "a.b", "-lead", "trail-", "", "x".repeat(64), "a b"]) {
        await expectCoreError(
          ctx.backend.create({ ...ctx.spec("placeholder"), name: bad }),
          "INVALID_INPUT",
          `create with name ${JSON.stringify(bad)}`,
        );
      }
      await expectCoreError(ctx.backend.get("Bad_Name"), "INVALID_INPUT", 'get("Bad_Name")');
      const names = (await ctx.backend.list()).map((s) => s.name);
      expect(names).not.toContain("bad-name");
      expect(names).not.toContain("a-b");
    },
  },
];
