/** Logs cases (capability `logs`, `logsFollow`): chunk shape, follow ending on abort, missing sandbox. */
import { hasErrorCode } from "@agentkernel/core";
import { expect } from "vitest";
import { expectCoreError } from "../case-helpers.js";
import type { ConformanceCase } from "../conformance-case.js";

/** Every logs case, in the order testBackend registers them. */
export const logsCases: ConformanceCase[] = [
  {
    id: "logs/read",
    title: "logs() without follow yields well-formed chunks and ends",
    requires: ["logs"],
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      const logs = ctx.backend.logs;
      expect(typeof logs, "capabilities.logs is true, so backend.logs must exist").toBe("function");
      for await (const chunk of ctx.backend.logs?.(sandbox) ?? []) {
        expect(["stdout", "stderr"]).toContain(chunk.stream);
        expect(chunk.data).toBeInstanceOf(Uint8Array);
      }
    },
  },
  {
    id: "logs/follow",
    title: "logs({ follow: true }) keeps going until its signal aborts, then ends",
    requires: ["logsFollow"],
    run: async (ctx) => {
      const sandbox = await ctx.shared();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 500);
      try {
        for await (const chunk of ctx.backend.logs?.(sandbox, { follow: true, signal: controller.signal }) ?? []) {
          expect(["stdout", "stderr"]).toContain(chunk.stream);
        }
      } catch (error) {
        // Ending by throwing AbortedError is allowed; anything else fails the case.
        if (!hasErrorCode(error, "ABORTED")) throw error;
      } finally {
        clearTimeout(timer);
      }
      expect(controller.signal.aborted, "follow must not end before its signal aborts").toBe(true);
    },
  },
  {
    id: "logs/missing",
    title: "logs() of a missing sandbox throws NotFoundError",
    requires: ["logs"],
    run: async (ctx) => {
      const name = ctx.name("logs-missing");
      await expectCoreError(
        async () => {
          for await (const _ of ctx.backend.logs?.(name) ?? []) {
            // Draining: the error may come from the first iteration step.
          }
        },
        "NOT_FOUND",
        "logs of a missing sandbox",
      );
    },
  },
];
