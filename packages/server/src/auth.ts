/** API key auth: `X-API-Key` or `Authorization: Bearer`, compared in constant time; /health stays open. */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { InvalidInputError, UnauthorizedError } from "@agentkernel/core";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./server-context.js";

/** Paths that never need a key: liveness probes come from orchestrators that hold no secret. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(["/health"]);

function digest(value: string): Buffer {
  // Hashing first gives equal-length inputs, so timingSafeEqual leaks neither the key nor its length.
  return createHash("sha256").update(value, "utf8").digest();
}

/** Constant-time equality of a presented key against the expected one. */
export function keysMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The key a request presents: X-API-Key, else an `Authorization: Bearer` token. */
export function presentedKey(headers: { get(name: string): string | null | undefined }): string | undefined {
  const direct = headers.get("x-api-key");
  if (direct) return direct;
  const auth = headers.get("authorization");
  const match = auth ? /^Bearer\s+(\S.*)$/i.exec(auth) : null;
  return match?.[1]?.trim();
}

/** Middleware that rejects requests without the key (401) on every path but PUBLIC_PATHS. */
export function apiKeyAuth(apiKey: string): MiddlewareHandler<AppEnv> {
  const expected = digest(apiKey);
  return async (c, next) => {
    if (PUBLIC_PATHS.has(c.req.path)) return next();
    const key = presentedKey(c.req.raw.headers);
    if (key === undefined) {
      throw new UnauthorizedError("missing API key; send it as `X-API-Key: <key>` or `Authorization: Bearer <key>`");
    }
    if (!timingSafeEqual(digest(key), expected)) {
      throw new UnauthorizedError("wrong API key; check AGENTKERNEL_API_KEY (or the key file) the server was started with");
    }
    await next();
  };
}

/**
 * The key from AGENTKERNEL_API_KEY or the file AGENTKERNEL_API_KEY_FILE names (first line, trimmed).
 * Both set is a mistake worth refusing: which one wins would be a guess.
 */
export function apiKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const direct = env.AGENTKERNEL_API_KEY?.trim();
  const file = env.AGENTKERNEL_API_KEY_FILE?.trim();
  if (direct && file) {
    throw new InvalidInputError("AGENTKERNEL_API_KEY and AGENTKERNEL_API_KEY_FILE are both set; keep one");
  }
  if (file) return readApiKeyFile(file);
  return direct || undefined;
}

/** Reads a key file: the first non-empty line. An empty file is refused (it would silently disable auth). */
export function readApiKeyFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InvalidInputError(
      `cannot read the API key file ${path}: ${(error as Error).message}; check the path and its permissions`,
      {
        cause: error,
      },
    );
  }
  const key = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (!key) throw new InvalidInputError(`the API key file ${path} is empty; put the key on its first line`);
  return key;
}
