/** The per-sandbox state directory: layout, atomic spec writes, the init pid file, a small lock, and listing. */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { AlreadyExistsError, InternalError, NotFoundError, type SandboxSpec } from "@agentkernel/core";
import type { ProcessRef } from "./local-proc.js";

/** A file from `spec.files`, staged on disk until the first start writes it into the sandbox. */
export interface StagedFile {
  path: string;
  mode?: number;
  /** File name under the sandbox's `staged/` dir. */
  staged: string;
}

/** What spec.json holds: the spec without file contents, plus bookkeeping. */
export interface SandboxRecord {
  version: 1;
  spec: Omit<SandboxSpec, "files">;
  createdAt: string;
  /** Files not yet written into the sandbox (cleared after the first successful start). */
  staged: StagedFile[];
}

/** What init.json holds about a running init process (init.pid has the pid and start time). */
export interface InitRecord {
  /** The process whose death ends the sandbox (bwrap's pid 1 of the sandbox, or the plain init). */
  init: ProcessRef;
  /** bwrap's outer monitor process, when isolation is bwrap. */
  monitor?: ProcessRef;
  isolation: "bwrap" | "none";
  /** cgroup directories the sandbox runs in (removed at stop). */
  cgroups: string[];
  /** prlimit arguments applied when cgroups are not writable. */
  prlimit: string[];
  /** uid/gid inside the sandbox (exec joins as them). */
  uid: number;
  gid: number;
  /** Started by a non-root user (exec joins differently). */
  rootless?: boolean;
  startedAt: string;
}

/** Default state base: AGENTKERNEL_STATE_DIR, else ${XDG_STATE_HOME:-~/.local/state}/agentkernel/local. */
export function defaultStateBase(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AGENTKERNEL_STATE_DIR) return env.AGENTKERNEL_STATE_DIR;
  const xdg = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  return join(xdg, "agentkernel", "local");
}

/** Paths of one sandbox's state directory. */
export class SandboxPaths {
  constructor(
    readonly base: string,
    readonly name: string,
  ) {}
  get dir(): string {
    return join(this.base, this.name);
  }
  get spec(): string {
    return join(this.dir, "spec.json");
  }
  get initPid(): string {
    return join(this.dir, "init.pid");
  }
  get initJson(): string {
    return join(this.dir, "init.json");
  }
  get stdoutLog(): string {
    return join(this.dir, "init.stdout.log");
  }
  get stderrLog(): string {
    return join(this.dir, "init.stderr.log");
  }
  get staged(): string {
    return join(this.dir, "staged");
  }
  /** The sandbox's private writable dirs live under root/: root/tmp → /tmp, root/workspace → /workspace. */
  get root(): string {
    return join(this.dir, "root");
  }
  get lock(): string {
    return join(this.dir, "lock");
  }
}

/** Writes JSON through a temp file and rename, so readers never see half a file. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/** Creates the sandbox dir atomically: `mkdir` fails with EEXIST for the loser of a race. */
export async function claimDir(paths: SandboxPaths): Promise<void> {
  await mkdir(paths.base, { recursive: true, mode: 0o700 });
  try {
    await mkdir(paths.dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new AlreadyExistsError(`sandbox "${paths.name}" already exists; pick another name or remove it first`, {
        backend: "local",
      });
    }
    throw new InternalError(`cannot create the state dir ${paths.dir}: ${(error as Error).message}`, {
      backend: "local",
      cause: error,
    });
  }
}

/** Reads spec.json; a missing dir or file → NotFoundError (a create still writing its spec counts as missing). */
export async function readRecord(paths: SandboxPaths): Promise<SandboxRecord> {
  try {
    return JSON.parse(await readFile(paths.spec, "utf8")) as SandboxRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new NotFoundError(`sandbox "${paths.name}" does not exist; create it first (agentkernel create ${paths.name})`, {
        backend: "local",
      });
    }
    throw new InternalError(`cannot read ${paths.spec}: ${(error as Error).message}`, { backend: "local", cause: error });
  }
}

/** Reads init.json + init.pid, or undefined when the sandbox was never started or was stopped. */
export async function readInit(paths: SandboxPaths): Promise<InitRecord | undefined> {
  try {
    return JSON.parse(await readFile(paths.initJson, "utf8")) as InitRecord;
  } catch {
    return undefined;
  }
}

/** Records a started init: init.json (details) and init.pid ("<pid> <starttime>", for humans and scripts). */
export async function writeInit(paths: SandboxPaths, record: InitRecord): Promise<void> {
  await writeJsonAtomic(paths.initJson, record);
  await writeFile(paths.initPid, `${record.init.pid} ${record.init.startTime}\n`, { mode: 0o600 });
}

/** Forgets the init process (after stop). */
export async function clearInit(paths: SandboxPaths): Promise<void> {
  await rm(paths.initJson, { force: true });
  await rm(paths.initPid, { force: true });
}

/** Names of every sandbox dir in the base (skips trash and temp entries). */
export async function listNames(base: string): Promise<string[]> {
  try {
    const entries = await readdir(base, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => e.name);
  } catch {
    return [];
  }
}

/** Moves the dir aside (so the name is free at once), then deletes it. Missing is fine. */
export async function removeDir(paths: SandboxPaths): Promise<void> {
  const trash = join(paths.base, `.trash-${paths.name}-${randomBytes(4).toString("hex")}`);
  try {
    await rename(paths.dir, trash);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new InternalError(`cannot remove ${paths.dir}: ${(error as Error).message}`, { backend: "local", cause: error });
  }
  await rm(trash, { recursive: true, force: true });
}

/** Locks older than this are left over from a crashed process and may be broken. */
const STALE_LOCK_MS = 30_000;

/**
 * Runs `fn` holding the sandbox's lock dir (mkdir is atomic across processes), so two CLIs
 * starting or stopping one sandbox at once do not both spawn an init.
 */
export async function withLock<T>(paths: SandboxPaths, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    try {
      await mkdir(paths.lock);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") await readRecord(paths); // the sandbox is gone: NotFoundError
      if (code !== "EEXIST")
        throw new InternalError(`cannot lock ${paths.dir}: ${(error as Error).message}`, { backend: "local" });
      const age = await stat(paths.lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > STALE_LOCK_MS) await rm(paths.lock, { recursive: true, force: true });
      if (Date.now() > deadline) {
        throw new InternalError(
          `sandbox "${paths.name}" is locked by another process (${paths.lock}); retry, or delete the lock if no agentkernel runs`,
          { backend: "local" },
        );
      }
      await delay(25);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(paths.lock, { recursive: true, force: true });
  }
}
