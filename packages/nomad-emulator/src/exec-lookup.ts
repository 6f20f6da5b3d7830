/** Resolves an exec command's program the way the task would see it, so a missing program fails like Nomad's executor. */
import { accessSync, constants, statSync } from "node:fs";
import { isAbsolute, join, posix } from "node:path";
import { DEFAULT_PATH } from "./task-process.js";

/** Where the lookup happens: the task's view of the filesystem. */
export interface ExecLookupView {
  allocDir: string;
  task: string;
  /** True when the process runs under bwrap with /alloc, /local, /secrets, /tmp bound (docker/exec drivers). */
  isolated: boolean;
  /** PATH the process will see. */
  path: string;
}

/** Maps a path as the task sees it to the host path behind it (mirrors task-process.ts's binds). */
export function viewToHost(view: ExecLookupView, p: string): string {
  if (!view.isolated) return p;
  const norm = posix.normalize(p);
  const taskDir = join(view.allocDir, view.task);
  const binds: Array<[string, string]> = [
    ["/alloc", join(view.allocDir, "alloc")],
    ["/local", join(taskDir, "local")],
    ["/secrets", join(taskDir, "secrets")],
    ["/tmp", join(taskDir, "tmp")],
  ];
  for (const [inside, host] of binds) {
    if (norm === inside || norm.startsWith(`${inside}/`)) return host + norm.slice(inside.length);
  }
  return norm;
}

function isExecutableFile(hostPath: string): "ok" | "missing" | "denied" {
  try {
    if (statSync(hostPath).isDirectory()) return "denied";
    accessSync(hostPath, constants.X_OK);
    return "ok";
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "denied";
  }
}

/**
 * Returns undefined when `argv0` can be started, else the error text Go's os/exec would give
 * (Nomad prefixes it with `failed to start command: `).
 */
export function lookupExecutable(argv0: string, view: ExecLookupView): string | undefined {
  if (argv0 === "") return 'exec: "": executable file not found in $PATH';
  if (argv0.includes("/")) {
    const cwd = view.isolated ? "/" : join(view.allocDir, view.task);
    const inTask = isAbsolute(argv0) ? argv0 : join(cwd, argv0);
    const state = isExecutableFile(viewToHost(view, inTask));
    if (state === "ok") return undefined;
    return `fork/exec ${argv0}: ${state === "missing" ? "no such file or directory" : "permission denied"}`;
  }
  for (const dir of (view.path || DEFAULT_PATH).split(":")) {
    if (!dir) continue;
    if (isExecutableFile(viewToHost(view, posix.join(dir, argv0))) === "ok") return undefined;
  }
  return `exec: ${JSON.stringify(argv0)}: executable file not found in $PATH`;
}
