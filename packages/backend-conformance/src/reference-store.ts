/** On-disk layout of the reference backend: one directory per sandbox holding meta.json, fs/ and main.log. */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  AlreadyExistsError,
  InternalError,
  NotFoundError,
  PermissionDeniedError,
  InvalidInputError,
  type SandboxSpec,
  type SandboxStatus,
} from "@agentkernel/core";

/** What the reference backend remembers about one sandbox. */
export interface ReferenceMeta {
  spec: SandboxSpec;
  status: Extract<SandboxStatus, "running" | "stopped">;
  createdAt: string;
}

const BACKEND = "reference";

/** Maps a Node fs error to a core error; `what` names the object for the message. */
export function translateFsError(error: unknown, what: string): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const options = { cause: error, backend: BACKEND };
  if (code === "ENOENT") return new NotFoundError(`${what} does not exist; check the path or create it first`, options);
  if (code === "EISDIR" || code === "ENOTDIR") {
    return new InvalidInputError(`${what}: a path component is a directory where a file is needed, or the reverse`, options);
  }
  if (code === "EACCES" || code === "EPERM") return new PermissionDeniedError(`${what}: permission denied`, options);
  return new InternalError(`${what}: ${(error as Error | undefined)?.message ?? String(error)}`, options);
}

/** Paths and metadata of sandboxes under one root directory. */
export class ReferenceStore {
  constructor(readonly rootDir: string) {}

  dir(name: string): string {
    return join(this.rootDir, name);
  }

  /** The sandbox's filesystem root: in-sandbox "/x" is `<dir>/fs/x`. */
  fsRoot(name: string): string {
    return join(this.dir(name), "fs");
  }

  logPath(name: string): string {
    return join(this.dir(name), "main.log");
  }

  /** Creates the sandbox directory atomically: mkdir fails with EEXIST when the name is taken. */
  async create(spec: SandboxSpec, meta: ReferenceMeta): Promise<void> {
    await mkdir(this.rootDir, { recursive: true });
    try {
      await mkdir(this.dir(spec.name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") {
        throw new AlreadyExistsError(`sandbox "${spec.name}" already exists; pick another name or remove it first`, {
          backend: BACKEND,
        });
      }
      throw translateFsError(error, `sandbox directory for "${spec.name}"`);
    }
    await mkdir(this.fsRoot(spec.name), { recursive: true });
    await writeFile(this.logPath(spec.name), "");
    await this.write(spec.name, meta);
  }

  /** Reads meta.json; a missing sandbox (or one half-created or half-removed) is NotFoundError. */
  async read(name: string): Promise<ReferenceMeta> {
    try {
      return JSON.parse(await readFile(join(this.dir(name), "meta.json"), "utf8")) as ReferenceMeta;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || error instanceof SyntaxError) {
        throw new NotFoundError(`sandbox "${name}" does not exist; create it first (list shows what exists)`, {
          backend: BACKEND,
          cause: error,
        });
      }
      throw translateFsError(error, `sandbox "${name}"`);
    }
  }

  /** Writes meta.json through a rename, so readers never see half a file. */
  async write(name: string, meta: ReferenceMeta): Promise<void> {
    const tmp = join(this.dir(name), `.meta-${randomBytes(4).toString("hex")}.json`);
    await writeFile(tmp, JSON.stringify(meta));
    await rename(tmp, join(this.dir(name), "meta.json"));
  }

  /** Removes a sandbox directory: renamed away first so the name is free at once. Missing is fine. */
  async remove(name: string): Promise<void> {
    const trash = join(this.rootDir, `.trash-${name}-${randomBytes(4).toString("hex")}`);
    try {
      await rename(this.dir(name), trash);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw translateFsError(error, `sandbox "${name}"`);
    }
    await rm(trash, { recursive: true, force: true });
  }

  /** Names of every sandbox directory (hidden entries are in-flight removals). */
  async names(): Promise<string[]> {
    try {
      return (await readdir(this.rootDir)).filter((entry) => !entry.startsWith("."));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw translateFsError(error, `reference backend root ${this.rootDir}`);
    }
  }
}
