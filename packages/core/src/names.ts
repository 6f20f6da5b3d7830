/** Validation of untrusted names and in-sandbox paths, done once at every edge (never a lossy rewrite). */
import { posix } from "node:path";
import { InvalidInputError } from "./errors/invalid-input-error.js";

/** DNS-label rule for sandbox names: lower-case letters, digits and inner dashes, 1–63 chars. */
export const SANDBOX_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const SANDBOX_NAME_RULE =
  "1–63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit (e.g. my-sandbox)";

/** Throws InvalidInputError unless `name` matches SANDBOX_NAME_PATTERN; returns it unchanged. */
export function validateSandboxName(name: unknown, field = "name"): string {
  if (typeof name !== "string" || !SANDBOX_NAME_PATTERN.test(name)) {
    const shown = typeof name === "string" ? JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name) : String(name);
    throw new InvalidInputError(`${field}: ${shown} is not a valid sandbox name; use ${SANDBOX_NAME_RULE}`);
  }
  return name;
}

/** Longest in-sandbox path accepted (Linux PATH_MAX). */
export const MAX_SANDBOX_PATH_BYTES = 4096;

/**
 * Validates an absolute path inside a sandbox and returns it normalised.
 * Quotes, spaces, `$`, newlines and leading dashes are legal and must round-trip: backends pass
 * paths as argv, never as shell text. NUL, relative paths and `..` segments are rejected.
 */
export function validateSandboxPath(path: unknown, field = "path"): string {
  if (typeof path !== "string" || path.length === 0) {
    throw new InvalidInputError(`${field}: must be a non-empty absolute path such as /tmp/file.txt`);
  }
  if (path.includes("\0")) throw new InvalidInputError(`${field}: must not contain a NUL byte`);
  if (!path.startsWith("/")) {
    throw new InvalidInputError(
      `${field}: ${JSON.stringify(path.slice(0, 80))} is relative; give an absolute path such as /tmp/${path.slice(0, 40)}`,
    );
  }
  if (Buffer.byteLength(path) > MAX_SANDBOX_PATH_BYTES) {
    throw new InvalidInputError(`${field}: longer than ${MAX_SANDBOX_PATH_BYTES} bytes`);
  }
  if (path.split("/").includes("..")) {
    throw new InvalidInputError(`${field}: must not contain '..' segments; give the resolved absolute path`);
  }
  const normalised = posix.normalize(path);
  return normalised.length > 1 && normalised.endsWith("/") ? normalised.slice(0, -1) : normalised;
}

/** POSIX environment variable names; `=` and NUL can never be part of a name. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws InvalidInputError for env names that are not portable or values containing NUL. */
export function validateEnv(env: Record<string, string> | undefined, field = "env"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env ?? {})) {
    if (!ENV_NAME_PATTERN.test(key)) {
      throw new InvalidInputError(
        `${field}: ${JSON.stringify(key.slice(0, 80))} is not a valid variable name; use letters, digits and '_' and do not start with a digit`,
      );
    }
    if (typeof value !== "string") throw new InvalidInputError(`${field}.${key}: must be a string`);
    if (value.includes("\0")) throw new InvalidInputError(`${field}.${key}: must not contain a NUL byte`);
    out[key] = value;
  }
  return out;
}
