/** doctor checks for the local backend: bubblewrap present and able to create namespaces, state dir writable. */
import { execFile } from "node:child_process";
import { access, constants, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "@agentkernel/core";
import type { DoctorCheck } from "./doctor-check.js";
import { stateHome } from "./sandbox-hints.js";

function run(file: string, args: string[]): Promise<{ code: number | string; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      const code = error ? ((error as NodeJS.ErrnoException).code ?? 1) : 0;
      resolve({ code: typeof code === "number" || typeof code === "string" ? code : 1, stdout, stderr });
    });
  });
}

/** The local backend's default state dir, as @agentkernel/backend-local documents it. */
export function localStateDir(config: Config, env: NodeJS.ProcessEnv): string {
  return config.local.state_dir || join(stateHome(env), "local");
}

/** Runs the local checks. `bwrap` is looked up on PATH, as the backend does. */
export async function localChecks(config: Config, env: NodeJS.ProcessEnv): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  if (config.local.isolation === "none") {
    checks.push({
      name: "isolation",
      ok: null,
      detail: 'local.isolation = "none": sandboxes are plain host processes (trusted code only)',
      fix: 'set local.isolation = "bwrap" for untrusted code',
    });
  }
  const version = await run("bwrap", ["--version"]);
  if (version.code !== 0) {
    checks.push({
      name: "bwrap installed",
      ok: false,
      detail: version.code === "ENOENT" ? "bwrap is not on PATH" : `bwrap --version failed (${version.code})`,
      fix: 'apt-get install bubblewrap (or set local.isolation = "none" for trusted code only)',
    });
  } else {
    checks.push({ name: "bwrap installed", ok: true, detail: version.stdout.trim() });
    // The namespaces the backend relies on; a kernel or container that forbids them fails here, not mid-create.
    const probe = await run("bwrap", [
      "--ro-bind",
      "/",
      "/",
      "--dev",
      "/dev",
      "--proc",
      "/proc",
      "--unshare-all",
      "--die-with-parent",
      "true",
    ]);
    checks.push(
      probe.code === 0
        ? { name: "bwrap works", ok: true, detail: "created user, pid, net, ipc and uts namespaces" }
        : {
            name: "bwrap works",
            ok: false,
            detail: probe.stderr.trim().split("\n")[0] || `exit ${probe.code}`,
            fix: "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) or run where bwrap may create them",
          },
    );
  }
  const dir = localStateDir(config, env);
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    checks.push({ name: "state dir writable", ok: true, detail: dir });
  } catch (error) {
    checks.push({
      name: "state dir writable",
      ok: false,
      detail: `${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      fix: "set AGENTKERNEL_STATE_DIR or local.state_dir to a writable directory",
    });
  }
  return checks;
}
