/** Error cases: missing sandboxes, not running, bad exec requests, absent optional methods, and the all-core check. */
import { expect } from "vitest";
import { expectCoreError, readAll } from "../case-helpers.js";
import type { ConformanceCase } from "../conformance-case.js";

/** Every error case, in the order testBackend registers them; `errors/all-core` must stay last. */
export const errorsCases: ConformanceCase[] = [
  {
    id: "errors/missing-sandbox",
    title: "exec, writeFile and readFile on a missing sandbox throw NotFoundError",
    run: async (ctx) => {
      const name = ctx.name("errors-missing");
      await expectCoreError(
        ctx.backend.exec(name, { command: ["sh", "-c", "exit 0"] }),
        "NOT_FOUND",
        "exec in a missing sandbox",
      );
      await expectCoreError(ctx.backend.writeFile(name, "/tmp/x.txt", "x"), "NOT_FOUND", "writeFile in a missing sandbox");
      await expectCoreError(
        async () => readAll(await ctx.backend.readFile(name, "/tmp/x.txt")),
        "NOT_FOUND",
        "readFile in a missing sandbox",
      );
    },
  },
  {
    id: "errors/not-running",
    title: "exec in a created-but-not-started sandbox throws NotRunningError",
    run: async (ctx) => {
      const name = ctx.name("errors-stopped");
      await ctx.backend.create(ctx.spec(name));
      await expectCoreError(
        ctx.backend.exec(name, { command: ["sh", "-c", "exit 0"] }),
        "NOT_RUNNING",
        "exec in a stopped sandbox",
      );
    },
  },
  {
    id: "errors/invalid-exec",
    title: "empty argv, NUL bytes and a bad timeout throw InvalidInputError",
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      await expectCoreError(ctx.backend.exec(sandbox, { command: [] }), "INVALID_INPUT", "exec of an empty argv");
      await expectCoreError(
        ctx.backend.exec(sandbox, { command: ["printf", "a\0b"] }),
        "INVALID_INPUT",
        "exec of an argv with NUL",
      );
      await expectCoreError(
        ctx.backend.exec(sandbox, { command: ["sh", "-c", "exit 0"], timeoutMs: -1 }),
        "INVALID_INPUT",
        "exec with timeoutMs -1",
      );
    },
  },
  {
    id: "errors/capabilities-honest",
    title: "optional methods exist exactly when declared; an undeclared tty throws CapabilityUnsupportedError",
    run: async (ctx) => {
      const { backend, capabilities } = ctx;
      expect(typeof backend.logs === "function", "backend.logs present ⇔ capabilities.logs").toBe(capabilities.logs);
      expect(typeof backend.attach === "function", "backend.attach present ⇔ capabilities.attach").toBe(capabilities.attach);
      expect(backend.warmPool !== undefined, "backend.warmPool present ⇔ capabilities.warmPool").toBe(capabilities.warmPool);
      if (capabilities.logsFollow) expect(capabilities.logs, "logsFollow needs logs").toBe(true);
      if (!capabilities.tty) {
        const sandbox = await ctx.shared();
        await expectCoreError(
          ctx.backend.exec(sandbox, { command: ["sh", "-c", "exit 0"], tty: true }),
          "CAPABILITY_UNSUPPORTED",
          "exec with tty",
        );
      }
    },
  },
  {
    id: "errors/all-core",
    title: "every error the backend threw during the run was a core error with a known code",
    run: async (ctx) => {
      expect(ctx.violations, "non-core errors thrown by the backend").toEqual([]);
    },
  },
];
