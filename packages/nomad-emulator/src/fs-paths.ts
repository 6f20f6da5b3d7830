/** Maps an fs API `path` onto the alloc dir: escape checks (incl. symlinks) and the secret-dir read ban. */
import { realpathSync } from "node:fs";
import { join, sep } from "node:path";
import { HttpError } from "./http-util.js";

/** A request path resolved inside the alloc dir. */
export interface AllocPath {
  /** Absolute host path. */
  host: string;
  /** The `path` parameter as the client sent it (Nomad quotes it in errors). */
  requested: string;
}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root + sep);
}

/**
 * Joins like Go's filepath.Join(allocDir, path): a leading `/` is ignored, `..` is cleaned, and anything that ends
 * outside the alloc dir (also through a symlink) is `Path escapes the alloc directory` with `status`
 * (ls/stat report it uncoded = 500; cat/readat/stream fail their stat step = 400).
 */
export function resolveAllocPath(allocDir: string, requested: string, status: number): AllocPath {
  const host = join(allocDir, requested);
  if (!inside(allocDir, host)) throw new HttpError(status, "Path escapes the alloc directory");
  let real: string | undefined;
  try {
    real = realpathSync(host);
  } catch {
    // A missing file cannot lead anywhere; the caller's stat reports it.
  }
  if (real !== undefined && !inside(realpathSync(allocDir), real))
    throw new HttpError(status, "Path escapes the alloc directory");
  return { host, requested };
}

/**
 * Nomad's ReadAt refuses anything under a task's secrets or private dir, by case-insensitive prefix of the host
 * path (so `<task>/secrets2` is refused too), with a 500 `Reading secret file prohibited: <path>`.
 */
export function assertReadable(allocDir: string, taskNames: string[], p: AllocPath): void {
  const target = p.host.toLowerCase();
  for (const task of taskNames) {
    for (const dir of ["secrets", "private"]) {
      if (target.startsWith(join(allocDir, task, dir).toLowerCase())) {
        throw new HttpError(500, `Reading secret file prohibited: ${p.requested}`);
      }
    }
  }
}
