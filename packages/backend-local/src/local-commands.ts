/** Builds the argv of the init process and of every exec: cgroup join, prlimit, bwrap or nsenter. Never shell text from input. */
import { accessSync, constants, lstatSync, readdirSync, readlinkSync } from "node:fs";
import { delimiter, join } from "node:path";
import { BackendUnavailableError } from "@agentkernel/core";

/** Where each sandbox's private dirs appear inside it. */
export const SANDBOX_WORKDIR = "/workspace";
export const SANDBOX_TMP = "/tmp";
/** Host uid/gid a root-run backend drops sandboxes to (nobody): they own nothing on the host. */
export const SANDBOX_NOBODY = 65534;

/** Fixed helper: writes its own pid into each cgroup.procs file given before `--`, then execs the rest. */
const CGROUP_JOIN = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';
/** Where PRIVATE_BIND mounts the sandbox's dir inside the throwaway mount namespace (hidden from the sandbox by its own /tmp). */
const PRIVATE_BIND_POINT = "/tmp";
/** Fixed helper: bind $1 at /tmp in this (private) mount namespace, then exec the rest. */
const PRIVATE_BIND = 'mount --bind "$1" /tmp || exit 125; shift; exec "$@"';
/** Fixed helper run inside the sandbox: cd to $1 then exec the argv that follows. */
const CD_EXEC = 'cd -- "$1" || exit 126; shift; exec "$@"';
/** Fixed init: one log line once the sandbox is set up, then wait forever (bwrap's pid 1 reaps zombies). */
const INIT_SCRIPT = 'printf "agentkernel: sandbox %s ready\\n" "$1"; exec sleep infinity';
/** The line the init prints when setup is complete (start waits for it). */
export const READY_MARK = "agentkernel: sandbox ";

/** Top-level host entries never shown to a sandbox: kernel filesystems, the host's private dirs, and ours. */
const HIDDEN_TOP_LEVEL = new Set(["proc", "dev", "sys", "tmp", "root", "lost+found", "boot", "workspace"]);

/** The PATH every init and exec gets (and `which` searches when the host has none): the usual system dirs. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Finds an executable on PATH (or undefined). */
export function which(program: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? DEFAULT_PATH).split(delimiter);
  for (const dir of dirs) {
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** Resolves the tools bwrap isolation needs, or throws a BackendUnavailableError that says how to fix it. */
export function requireTools(isolation: "bwrap" | "none"): { bwrap?: string; nsenter?: string } {
  if (isolation === "none") return {};
  const bwrap = which("bwrap");
  if (!bwrap) {
    throw new BackendUnavailableError(
      'bubblewrap (bwrap) is not installed; install it with `sudo apt-get install bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap`, or, for trusted code only, set `isolation = "none"` under [local] (no isolation at all)',
      { backend: "local" },
    );
  }
  const nsenter = which("nsenter");
  if (!nsenter) {
    throw new BackendUnavailableError(
      "nsenter (util-linux) is not installed; install it with `sudo apt-get install util-linux`",
      {
        backend: "local",
      },
    );
  }
  return { bwrap, nsenter };
}

/** bwrap arguments that show the host root read-only: each top-level dir ro-bound, symlinks copied. */
function hostRootArgs(): string[] {
  const args: string[] = [];
  for (const entry of readdirSync("/").sort()) {
    if (HIDDEN_TOP_LEVEL.has(entry)) continue;
    const path = `/${entry}`;
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (stat?.isSymbolicLink()) args.push("--symlink", readlinkSync(path), path);
    else if (stat?.isDirectory()) args.push("--ro-bind", path, path);
  }
  return args;
}

/** What the init command needs to know. */
export interface InitCommandInput {
  name: string;
  isolation: "bwrap" | "none";
  bwrap?: string;
  network: boolean;
  readOnlyRoot: boolean;
  uid: number;
  gid: number;
  /** Drop to `uid`/`gid` on the host before bwrap (we run as root). */
  dropToUid: boolean;
  /** State base to cover with a tmpfs (when the sandbox runs as the owner of the state dirs). */
  hideDir?: string;
  cgroups: string[];
  prlimit: string[];
  /** Host dir holding the sandbox's private tmp/ and workspace/. */
  rootDir: string;
  infoFd: number;
}

/** Prefix that joins cgroups and applies rlimits before the real command. */
function limitPrefix(cgroups: string[], prlimit: string[]): string[] {
  const out: string[] = [];
  if (cgroups.length > 0)
    out.push("/bin/sh", "-c", CGROUP_JOIN, "ak-cgroup", ...cgroups.map((d) => join(d, "cgroup.procs")), "--");
  if (prlimit.length > 0) out.push("prlimit", ...prlimit, "--");
  return out;
}

/** argv of the init process (spawned detached so it outlives the creating CLI). */
export function initCommand(input: InitCommandInput): string[] {
  const inner = ["/bin/sh", "-c", INIT_SCRIPT, "ak-init", input.name];
  const prefix = limitPrefix(input.cgroups, input.prlimit);
  if (input.isolation === "none") return [...prefix, ...inner];
  // As root the sandbox user (nobody) cannot traverse the state dir (e.g. under /root), so a private
  // mount namespace (never visible on the host) binds the sandbox's own dir at /tmp for bwrap to use.
  const drop = input.dropToUid
    ? [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "--",
        "/bin/sh",
        "-c",
        PRIVATE_BIND,
        "ak-mount",
        input.rootDir,
        "setpriv",
        `--reuid=${input.uid}`,
        `--regid=${input.gid}`,
        "--clear-groups",
        "--inh-caps=-all",
        "--",
      ]
    : [];
  const source = input.dropToUid ? PRIVATE_BIND_POINT : input.rootDir;
  const bwrap = [
    input.bwrap ?? "bwrap",
    "--unshare-all",
    "--unshare-user",
    ...(input.network ? ["--share-net"] : []),
    // Rootless bwrap maps the sandbox uid through a nested user namespace when it is not 0, which nsenter
    // (util-linux 2.38) cannot join; --disable-userns forces that nesting too. So rootless runs as uid 0 inside.
    ...(input.dropToUid ? ["--disable-userns"] : []),
    "--uid",
    String(input.uid),
    "--gid",
    String(input.gid),
    "--hostname",
    input.name,
    ...hostRootArgs(),
    ...(input.hideDir && !HIDDEN_TOP_LEVEL.has(input.hideDir.split("/")[1] ?? "") ? ["--tmpfs", input.hideDir] : []),
    "--bind",
    join(source, "tmp"),
    SANDBOX_TMP,
    "--bind",
    join(source, "workspace"),
    SANDBOX_WORKDIR,
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    ...(input.readOnlyRoot ? ["--remount-ro", "/"] : []),
    "--cap-drop",
    "ALL",
    "--new-session",
    "--chdir",
    SANDBOX_WORKDIR,
    "--info-fd",
    String(input.infoFd),
    "--",
  ];
  return [...prefix, ...drop, ...bwrap, ...inner];
}

/** What an exec command needs to know. */
export interface ExecCommandInput {
  isolation: "bwrap" | "none";
  nsenter?: string;
  /** Host pid of the sandbox's pid 1 (whose namespaces exec joins). */
  initPid: number;
  /** Started without root: join as the namespace's uid 0 and drop every capability with setpriv. */
  rootless: boolean;
  uid: number;
  gid: number;
  cgroups: string[];
  prlimit: string[];
  cwd: string;
  argv: string[];
}

/**
 * argv of one exec. bwrap: nsenter joins every namespace of the init as the sandbox uid, then
 * no_new_privs, then a fixed helper cds and execs the argv (all capabilities are gone at that exec).
 */
export function execCommand(input: ExecCommandInput): string[] {
  const prefix = limitPrefix(input.cgroups, input.prlimit);
  const cdExec = ["/bin/sh", "-c", CD_EXEC, "ak-exec", input.cwd, ...input.argv];
  if (input.isolation === "none") return [...prefix, ...cdExec];
  const enter = [
    input.nsenter ?? "nsenter",
    "-t",
    String(input.initPid),
    "-U",
    "-m",
    "-p",
    "-n",
    "-i",
    "-u",
    ...(input.rootless
      ? ["--preserve-credentials", "--", "setpriv", "--bounding-set=-all", "--inh-caps=-all", "--nnp", "--"]
      : ["-C", "-S", String(input.uid), "-G", String(input.gid), "--", "setpriv", "--nnp", "--"]),
  ];
  return [...prefix, ...enter, ...cdExec];
}
