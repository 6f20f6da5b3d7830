/** Spawns a process "inside" a task the way the emulator isolates tasks (bubblewrap when available). */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { lstatSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { DriverName } from "./emulator-context.js";

/** PATH a task process gets when its env sets none. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

let bwrapAvailable: boolean | undefined;

/** True when `bwrap` runs here (checked once). */
export function hasBwrap(): boolean {
  if (bwrapAvailable === undefined) {
    const r = spawnSync("bwrap", ["--ro-bind", "/", "/", "--dev", "/dev", "true"], { stdio: "ignore" });
    bwrapAvailable = r.status === 0;
  }
  return bwrapAvailable;
}

/** Top-level host entries the task view gets from the host itself (or from bwrap). */
const NOT_FROM_HOST = new Set(["dev", "proc", "sys", "tmp", "alloc", "local", "secrets"]);

/**
 * The host root, read-only, rebuilt entry by entry on bwrap's tmpfs root. (`--ro-bind / /` cannot work: bwrap
 * then fails with "Can't mkdir /alloc: Read-only file system", since the mount points do not exist on the host.)
 */
function hostRootArgs(): string[] {
  const args: string[] = [];
  for (const name of readdirSync("/")) {
    if (NOT_FROM_HOST.has(name)) continue;
    try {
      const st = lstatSync(`/${name}`);
      if (st.isSymbolicLink()) args.push("--symlink", readlinkSync(`/${name}`), `/${name}`);
      else if (st.isDirectory() || st.isFile()) args.push("--ro-bind", `/${name}`, `/${name}`);
    } catch {
      // Vanished or unreadable: leave it out of the view.
    }
  }
  return args;
}

export interface TaskProcessOptions {
  allocDir: string;
  task: string;
  driver: DriverName;
  argv: string[];
  env: Record<string, string>;
  /** Working directory as the task sees it. */
  cwd?: string;
  networkNone: boolean;
  /** "bwrap" (default when available) or "none" (plain host processes). */
  isolation?: "bwrap" | "none";
  /** Adds a 4th stdio pipe (the child's fd 3, e.g. the pty helper's resize channel); bwrap passes it through. */
  controlPipe?: boolean;
}

/**
 * docker/exec tasks run under bwrap: host root read-only (standing in for the image), the task's own
 * writable /tmp, /alloc, /local and /secrets bound like Nomad's task view, and no network when the group
 * network mode is "none". raw_exec runs on the host with cwd = the task dir, as Nomad does.
 * The child is detached (its own process group) so the emulator can kill the whole group.
 */
export function spawnTaskProcess(o: TaskProcessOptions): ChildProcess {
  const taskDir = join(o.allocDir, o.task);
  const isolation = o.isolation ?? (hasBwrap() ? "bwrap" : "none");
  const env = { PATH: DEFAULT_PATH, ...o.env };
  const stdio: Array<"pipe"> = o.controlPipe ? ["pipe", "pipe", "pipe", "pipe"] : ["pipe", "pipe", "pipe"];
  if (o.driver === "raw_exec" || isolation === "none") {
    return spawn(o.argv[0] ?? "true", o.argv.slice(1), {
      cwd: o.cwd && isolation === "none" && o.driver !== "raw_exec" ? join(taskDir, o.cwd) : (o.cwd ?? taskDir),
      env,
      detached: true,
      stdio,
    });
  }
  const args = [
    ...hostRootArgs(),
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    "--bind",
    join(o.allocDir, "alloc"),
    "/alloc",
    "--bind",
    join(taskDir, "local"),
    "/local",
    "--bind",
    join(taskDir, "secrets"),
    "/secrets",
    "--bind",
    join(taskDir, "tmp"),
    "/tmp",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--die-with-parent",
    "--chdir",
    o.cwd ?? "/",
  ];
  if (o.networkNone) args.push("--unshare-net");
  args.push("--", ...o.argv);
  return spawn("bwrap", args, { env, detached: true, stdio });
}
