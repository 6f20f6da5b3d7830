/** Config errors as data (file, dot path, message, fix) and their one-line rendering; zod issues become these. */
import type { z } from "zod";
import { suggestKey } from "./keys.js";

/** One problem in the config. `path` is a dot path (`orchestrator.warm_pool_size`), empty for whole-file problems. */
export interface ConfigError {
  /** The file the bad value came from, when it came from a file. */
  file?: string;
  /** 1-based line (and column) for parse errors. */
  line?: number;
  column?: number;
  path: string;
  message: string;
  /** What the user should do about it. */
  fix: string;
}

/**
 * One line: `agentkernel.toml: orchestrator.warm_pool_size: must be ≤ max_pool_size (50) (fix: …)`.
 * Parse errors carry the position as `file:line:column`.
 */
export function formatConfigError(error: ConfigError): string {
  let where = error.file ?? "";
  if (where && error.line !== undefined) where += `:${error.line}${error.column !== undefined ? `:${error.column}` : ""}`;
  const parts = [where, error.path].filter((p) => p !== "");
  return `${parts.map((p) => `${p}: `).join("")}${error.message} (fix: ${error.fix})`;
}

/** Where a value at a dot path came from, so an error can name the file or env var to edit. */
export interface ValueOrigin {
  file?: string;
  env?: string;
  flag?: boolean;
}

function dotPath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
    .join(".")
    .replaceAll(".[", "[");
}

function withOrigin(error: ConfigError, origin: ValueOrigin | undefined): ConfigError {
  if (origin?.file) return { ...error, file: origin.file };
  if (origin?.env) return { ...error, message: `${error.message} (from env ${origin.env})` };
  if (origin?.flag) return { ...error, message: `${error.message} (from a command-line flag)` };
  return error;
}

function fixFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `give a ${issue.expected} value`;
    case "invalid_value":
      return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return `use a value ≥ ${String(issue.minimum)}`;
    case "too_big":
      return `use a value ≤ ${String(issue.maximum)}`;
    case "custom": {
      const fix = (issue.params as { fix?: unknown } | undefined)?.fix;
      return typeof fix === "string" ? fix : "correct the value";
    }
    default:
      return "correct the value";
  }
}

/**
 * Turns zod issues into ConfigErrors. `originOf(dotPath)` names where a value came from; for a
 * cross-field rule whose own value is a default, the origin of `related` paths is used instead.
 */
export function issuesToErrors(
  issues: readonly z.core.$ZodIssue[],
  originOf: (path: string) => ValueOrigin | undefined,
): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = dotPath([...issue.path, key]);
        const error = { path, message: "unknown key", fix: suggestKey(issue.path as (string | number)[], key) };
        errors.push(withOrigin(error, originOf(path)));
      }
      continue;
    }
    const path = dotPath(issue.path);
    const message =
      issue.code === "invalid_type" && issue.message.endsWith("received undefined")
        ? "is required"
        : issue.message.replace(/^Invalid input: /, "");
    let origin = originOf(path);
    if (!origin && issue.code === "custom") {
      // e.g. warm_pool_size left at its default but max_pool_size lowered in a file: blame the file.
      const parent = issue.path.slice(0, -1);
      const related = issue.path.at(-1) === "warm_pool_size" ? "max_pool_size" : "api_key";
      origin = originOf(dotPath([...parent, related]));
    }
    errors.push(withOrigin({ path, message, fix: fixFor(issue) }, origin));
  }
  return errors;
}
