/** Structured JSON logs (pino): request IDs, redaction of credential fields, and a last-line scrub of known secrets. */
import { randomUUID } from "node:crypto";
import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger } from "pino";

/** Options of createLogger. */
export interface LoggerOptions {
  /** pino level (default `info`, or LOG_LEVEL). */
  level?: string;
  /** Where lines go (default stdout). Tests pass a stream that captures them. */
  destination?: DestinationStream;
  /**
   * Secret values (API keys, the Nomad token) that must never reach the output. Field redaction catches the
   * known places; this catches anything that slipped into a message or an error cause.
   */
  secrets?: (string | undefined)[];
}

/** Fields that can hold credentials wherever they appear in a log object. */
export const REDACT_PATHS = [
  "apiKey",
  "api_key",
  "token",
  "nomadToken",
  "nomad_token",
  "*.apiKey",
  "*.api_key",
  "*.token",
  "*.nomadToken",
  "*.nomad_token",
  "req.headers.authorization",
  "req.headers['x-api-key']",
  "req.headers['x-nomad-token']",
  "headers.authorization",
  "headers['x-api-key']",
  "headers['x-nomad-token']",
];

const MASK = "<redacted>";

/** Replaces every occurrence of each secret (at least 4 chars, so short values cannot shred the log). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}

/** A pino logger that redacts credential fields and scrubs the given secret values from every line. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === "string" && s.length >= 4);
  // JSON-escaped forms too: a secret with quotes or backslashes appears escaped in the line.
  const forms = [...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      base: { service: "agentkernel-server" },
      redact: { paths: REDACT_PATHS, censor: MASK },
      hooks: forms.length > 0 ? { streamWrite: (line) => scrubSecrets(line, forms) } : {},
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is short and plain (so it cannot forge log lines), else a fresh UUID. */
export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && REQUEST_ID.test(header) ? header : randomUUID();
}
