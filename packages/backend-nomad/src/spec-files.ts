/** A spec's initial `files`, kept in job Meta (Nomad is the only store) and written into every fresh allocation. */
import { InvalidInputError, type SandboxFile } from "@agentkernel/core";

/** Meta key holding the files as JSON `[{ path, mode?, base64 }]`. */
export const META_FILES = "agentkernel-files";
/** Meta lives in the job spec (read by anyone with read-job) and in every list page: keep it small. */
export const MAX_SPEC_FILES_BYTES = 64 * 1024;

interface StoredFile {
  path: string;
  mode?: number;
  base64: string;
}

/** Encodes `files` for Meta, or throws InvalidInputError when they are too large for it. */
export function encodeSpecFiles(files: readonly SandboxFile[]): string {
  const stored: StoredFile[] = files.map((f) => ({
    path: f.path,
    ...(f.mode !== undefined ? { mode: f.mode } : {}),
    base64: Buffer.from(typeof f.content === "string" ? Buffer.from(f.content, "utf8") : f.content).toString("base64"),
  }));
  const json = JSON.stringify(stored);
  if (json.length > MAX_SPEC_FILES_BYTES) {
    throw new InvalidInputError(
      `files: ${json.length} bytes once encoded; the Nomad backend keeps spec files in job Meta, at most ${MAX_SPEC_FILES_BYTES} bytes — write larger files with writeFile after start`,
    );
  }
  return json;
}

/** Decodes the Meta value back to files (an absent or unreadable value means none). */
export function decodeSpecFiles(value: string | undefined): { path: string; mode?: number; content: Buffer }[] {
  if (!value) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((entry: StoredFile) =>
    typeof entry?.path === "string" && typeof entry.base64 === "string"
      ? [
          {
            path: entry.path,
            ...(typeof entry.mode === "number" ? { mode: entry.mode } : {}),
            content: Buffer.from(entry.base64, "base64"),
          },
        ]
      : [],
  );
}
