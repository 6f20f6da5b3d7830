/** Starts the sandbox's init process detached (it outlives the creating CLI), waits until it is set up, and stops it. */
import { spawn } from "node:child_process";
import { chownSync, closeSync, lstatSync, mkdirSync, openSync, readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { BackendUnavailableError, InternalError, type Resources } from "@agentkernel/core";
import { DEFAULT_PATH, initCommand, READY_MARK, SANDBOX_NOBODY, SANDBOX_WORKDIR } from "./local-commands.js";
import { cgroupPids, prepareLimits, removeCgroups } from "./local-limits.js";
import { type ProcessRef, isAlive, killTree, processRef, signalProcess, waitGone } from "./local-proc.js";
import type { InitRecord, SandboxPaths } from "./local-state.js";

/** How a sandbox is started. */
export interface InitOptions {
  isolation: "bwrap" | "none";
  bwrap?: string;
  network: boolean;
  readOnlyRoot: boolean;
  resources?: Resources;
  pidsMax?: number;
  readyTimeoutMs?: number;
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** The uid/gid inside the sandbox: nobody (= host nobody) when we are root, else 0 (= the caller on the host). */
export function sandboxIds(): { uid: number; gid: number } {
  if (isRoot()) return { uid: SANDBOX_NOBODY, gid: SANDBOX_NOBODY };
  // Rootless: uid 0 inside the sandbox's own user namespace, mapped to the caller's uid on the host.
  return { uid: 0, gid: 0 };
}

/** Creates root/tmp and root/workspace, owned by the sandbox user (private: the sandbox's /tmp and /workspace). */
function prepareRootDirs(paths: SandboxPaths, uid: number, gid: number): { tmp: string; work: string } {
  const tmp = join(paths.root, "tmp");
  const work = join(paths.root, "workspace");
  mkdirSync(paths.root, { recursive: true, mode: 0o700 });
  for (const dir of [tmp, work]) {
    // The sandbox owns these and could have swapped one for a symlink while it ran; bwrap would follow it.
    if (lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(dir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  if (isRoot()) {
    chownSync(paths.root, uid, gid);
    chownSync(tmp, uid, gid);
    chownSync(work, uid, gid);
  }
  return { tmp, work };
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").trim().split("\n").slice(-5).join("\n");
  } catch {
    return "";
  }
}

/** Turns bwrap's startup failure into a core error that says what to do. */
function startError(paths: SandboxPaths, why: string): Error {
  const log = tail(paths.stderrLog);
  if (/namespace|Operation not permitted|setting up uid map/i.test(log)) {
    return new BackendUnavailableError(
      `bubblewrap could not create the sandbox's namespaces (${log.split("\n").pop()}); enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or the AppArmor bwrap profile) or use isolation = "none" for trusted code`,
      { backend: "local" },
    );
  }
  return new InternalError(`sandbox "${paths.name}" did not start: ${why}${log ? `; init stderr: ${log}` : ""}`, {
    backend: "local",
  });
}

async function waitReady(paths: SandboxPaths, monitor: ProcessRef, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const out = tail(paths.stdoutLog);
    if (out.includes(`${READY_MARK}${paths.name} ready`)) return;
    if (!(await isAlive(monitor))) throw startError(paths, "the init process exited during setup");
    await delay(15);
  }
  throw startError(paths, `not ready after ${timeoutMs} ms`);
}

/** Reads bwrap's --info-fd JSON (written once the sandbox's pid 1 exists). */
async function readInfo(stream: NodeJS.ReadableStream): Promise<{ "child-pid"?: number }> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as { "child-pid"?: number };
  } catch {
    return {};
  }
}

/** Starts the init process and resolves once the sandbox can exec. */
export async function startInit(paths: SandboxPaths, options: InitOptions): Promise<InitRecord> {
  const { uid, gid } = sandboxIds();
  const dirs = prepareRootDirs(paths, uid, gid);
  const limits = await prepareLimits(paths.name, options.resources, { pidsMax: options.pidsMax });
  const fds: number[] = [];
  try {
    const out = openSync(paths.stdoutLog, "a", 0o600);
    fds.push(out);
    const err = openSync(paths.stderrLog, "a", 0o600);
    fds.push(err);
    const argv = initCommand({
      name: paths.name,
      isolation: options.isolation,
      bwrap: options.bwrap,
      network: options.network,
      readOnlyRoot: options.readOnlyRoot,
      uid,
      gid,
      dropToUid: isRoot(),
      hideDir: isRoot() ? undefined : paths.base,
      cgroups: limits.cgroups,
      prlimit: limits.prlimit,
      rootDir: paths.root,
      infoFd: 3,
    });
    const home = options.isolation === "bwrap" ? SANDBOX_WORKDIR : dirs.work;
    const [file, ...args] = argv;
    // detached + unref: a new session the CLI's exit does not touch. No --die-with-parent for the same reason.
    const child = spawn(file as string, args, {
      detached: true,
      cwd: options.isolation === "none" ? dirs.work : "/",
      env: { PATH: DEFAULT_PATH, HOME: home, LANG: "C.UTF-8" },
      stdio: ["ignore", out, err, "pipe"],
    });
    const spawned = new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
    await spawned.catch((error: Error) => {
      throw new InternalError(`cannot start ${file}: ${error.message}`, { backend: "local", cause: error });
    });
    child.unref();
    const infoStream = child.stdio[3] as NodeJS.ReadableStream & { destroy(): void };
    const monitor = (await processRef(child.pid as number)) ?? { pid: child.pid as number, startTime: 0 };
    let initPid = child.pid as number;
    if (options.isolation === "bwrap") {
      const info = await Promise.race([
        readInfo(infoStream),
        delay(options.readyTimeoutMs ?? 15_000).then(() => ({}) as { "child-pid"?: number }),
      ]);
      if (typeof info["child-pid"] !== "number") {
        await killTree(child.pid as number);
        throw startError(paths, "bubblewrap reported no sandbox pid");
      }
      initPid = info["child-pid"] as number;
    }
    infoStream.destroy();
    const init = await processRef(initPid);
    if (!init) throw startError(paths, "the init process exited at once");
    await waitReady(paths, monitor, options.readyTimeoutMs ?? 15_000).catch(async (error: unknown) => {
      await killTree(child.pid as number);
      throw error;
    });
    return {
      init,
      ...(options.isolation === "bwrap" ? { monitor } : {}),
      isolation: options.isolation,
      cgroups: limits.cgroups,
      prlimit: limits.prlimit,
      uid,
      gid,
      rootless: !isRoot(),
      startedAt: new Date().toISOString(),
    };
  } catch (error) {
    await removeCgroups(limits.cgroups);
    throw error;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

/**
 * Stops a sandbox: SIGKILL to its pid 1 ends the whole pid namespace; every pid left in its cgroups
 * (execs in progress) is killed too; then the cgroups are removed.
 */
export async function stopInit(record: InitRecord): Promise<void> {
  if (record.isolation === "none") {
    try {
      if (await isAlive(record.init)) process.kill(-record.init.pid, "SIGKILL");
    } catch {
      // Group gone.
    }
  }
  await signalProcess(record.init, "SIGKILL");
  if (record.monitor) await signalProcess(record.monitor, "SIGKILL");
  for (let round = 0; round < 3; round++) {
    const pids = await cgroupPids(record.cgroups);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone.
      }
    }
    await delay(20);
  }
  await waitGone(record.init, 5_000);
  await removeCgroups(record.cgroups);
}
