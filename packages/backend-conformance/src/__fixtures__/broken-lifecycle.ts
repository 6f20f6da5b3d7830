// Broken lifecycle and error behaviour: each wrapper has one realistic bug its case must catch.
import { AgentkernelError, type ErrorCode } from "@agentkernel/core";
import type { Breakage } from "./broken-helpers.js";

class WeirdCodeError extends AgentkernelError {
  constructor() {
    super("WEIRD" as ErrorCode, "an error with a code core does not define");
  }
}

/** Lifecycle and error-contract breakages. */
export const LIFECYCLE_BREAKAGES: Breakage[] = [
  {
    bug: "create reports running",
    caseId: "lifecycle/create",
    expect: /running/,
    wrap: (b) => ({ ...b, create: async (spec) => ({ ...(await b.create(spec)), status: "running" }) }),
  },
  {
    bug: "list ignores the label filter",
    caseId: "lifecycle/list",
    expect: /expected/,
    wrap: (b) => ({ ...b, list: () => b.list() }),
  },
  {
    bug: "stop removes the definition",
    caseId: "lifecycle/stop-and-restart",
    expect: /NOT_FOUND|does not exist/,
    wrap: (b) => ({ ...b, stop: (name) => b.remove(name) }),
  },
  {
    bug: "remove is not idempotent",
    caseId: "lifecycle/remove",
    expect: /does not exist/,
    wrap: (b) => ({
      ...b,
      remove: async (name) => {
        await b.get(name);
        await b.remove(name);
      },
    }),
  },
  {
    bug: "create overwrites a taken name",
    caseId: "lifecycle/name-taken",
    expect: /expected a ALREADY_EXISTS error, but it succeeded/,
    wrap: (b) => ({
      ...b,
      create: async (spec) => {
        await b.remove(spec.name);
        return b.create(spec);
      },
    }),
  },
  {
    bug: "get of a missing sandbox throws a plain Error",
    caseId: "lifecycle/get-missing",
    expect: /ConformanceViolationError|non-core|must throw only/,
    wrap: (b) => ({
      ...b,
      get: async (name) => {
        try {
          return await b.get(name);
        } catch {
          throw new Error(`no such sandbox ${name}`);
        }
      },
    }),
  },
  {
    bug: "invalid names are silently rewritten",
    caseId: "lifecycle/invalid-name",
    expect: /INVALID_INPUT error, but it succeeded/,
    wrap: (b) => ({
      ...b,
      create: (spec) => b.create({ ...spec, name: spec.name.toLowerCase().replace(/[^a-z0-9-]/g, "-") || "x" }),
    }),
  },
  {
    bug: "exec auto-starts a stopped sandbox",
    caseId: "errors/not-running",
    expect: /but it succeeded/,
    wrap: (b) => ({
      ...b,
      exec: async (name, request) => {
        if ((await b.get(name)).status !== "running") await b.start(name);
        return b.exec(name, request);
      },
    }),
  },
  {
    bug: "logs stubbed while capabilities.logs is false",
    caseId: "errors/capabilities-honest",
    expect: /backend\.logs present/,
    wrap: (b) => ({ ...b, capabilities: { ...b.capabilities, logs: false, logsFollow: false } }),
  },
  {
    bug: "logs of a missing sandbox fails with a plain Error",
    caseId: "logs/missing",
    expect: /logs\(\) threw Error: ENOENT/,
    wrap: (b) => ({
      ...b,
      logs: async function* (name, options) {
        try {
          yield* b.logs?.(name, options) ?? [];
        } catch {
          throw new Error("ENOENT: no such file or directory, open main.log");
        }
      },
    }),
  },
  {
    bug: "an error with an unknown code",
    caseId: "lifecycle/get-missing",
    expect: /WEIRD/,
    wrap: (b) => ({
      ...b,
      get: async () => {
        throw new WeirdCodeError();
      },
    }),
  },
];
