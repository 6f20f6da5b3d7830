/** Renders an error for the terminal or for --json: one line with what failed, what to do and the code; secrets scrubbed. */
import { AgentkernelError, type ErrorCode } from "@agentkernel/core";
import { errorCodeOf, exitCodeFor } from "./exit-codes.js";

/** What the CLI prints for a failure. */
export interface ErrorReport {
  code: ErrorCode;
  message: string;
  exitCode: number;
  /** Stack and causes, only shown with --verbose or DEBUG=agentkernel*. */
  detail: string;
}

/** Replaces every occurrence of each secret with `<redacted>` (tokens must never reach a terminal or a log). */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("<redacted>");
  }
  return out;
}

// oclif rewrites a flag parser's error as "Parsing --flag \n\t<message>\nSee more help with --help": keep <message>.
const OCLIF_PARSE_WRAPPER = /^Parsing --\S+\s*\n\t([\s\S]*)\nSee more help with --help$/;

function messageOf(error: unknown): string {
  if (AgentkernelError.isInstance(error)) return error.message.replace(OCLIF_PARSE_WRAPPER, "$1");
  const code = errorCodeOf(error);
  const text = error instanceof Error ? error.message : String(error);
  if (code === "INVALID_INPUT") {
    // oclif's parse errors span lines ("The following errors occurred:\n  --cpu cannot also be provided…"): keep one line.
    const lines = text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !/^See more help with/.test(l));
    return `${lines.join(" ").replace(/:\s*$/, "")}; see --help for usage`;
  }
  // Anything that is not a core error is a bug in agentkernel, not something the user did.
  return `internal error: ${text}; rerun with --verbose and report it`;
}

function detailOf(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    lines.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) lines.push("caused by:");
  }
  return lines.join("\n");
}

/** Builds the report for an error; `secrets` are scrubbed from the message and detail. */
export function reportError(error: unknown, secrets: readonly (string | undefined)[] = []): ErrorReport {
  return {
    code: errorCodeOf(error),
    message: scrubSecrets(messageOf(error), secrets),
    exitCode: exitCodeFor(error),
    detail: scrubSecrets(detailOf(error), secrets),
  };
}

/** The human form: `agentkernel: <what failed and what to do> [CODE]`. */
export function formatErrorLine(report: ErrorReport): string {
  return `agentkernel: ${report.message} [${report.code}]`;
}

/** The --json form. */
export function errorJson(report: ErrorReport): { success: false; error: { code: ErrorCode; message: string } } {
  return { success: false, error: { code: report.code, message: report.message } };
}

/** True when DEBUG names agentkernel (`DEBUG=agentkernel*`, `DEBUG=*`, or a list containing it). */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const debug = env.DEBUG ?? "";
  return debug.split(/[\s,]+/).some((pattern) => pattern === "*" || pattern.startsWith("agentkernel"));
}
