/** Copies the config's `[[files]]` (host source → sandbox dest) into a started sandbox, streaming each file. */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { type Backend, InvalidInputError } from "@agentkernel/core";
import { localFsError } from "./cp.js";

/** One `[[files]]` entry; `source` is already absolute (the config loader resolves it against its file). */
export interface ConfigFile {
  source: string;
  dest: string;
}

/** Writes each file into `name`, keeping the source's permission bits. Stops at the first failure. */
export async function copyConfigFiles(
  backend: Backend,
  name: string,
  files: readonly ConfigFile[],
  signal?: AbortSignal,
): Promise<void> {
  for (const { source, dest } of files) {
    try {
      const info = await stat(source);
      if (!info.isFile()) throw new InvalidInputError(`[[files]] source ${source} is not a regular file; list single files`);
      await backend.writeFile(name, dest, createReadStream(source), { mode: info.mode & 0o777, ...(signal ? { signal } : {}) });
    } catch (error) {
      throw localFsError(error, `[[files]] source ${source}`);
    }
  }
}
