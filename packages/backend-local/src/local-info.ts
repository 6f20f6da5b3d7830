/** Builds SandboxInfo from the state dir, checking the init process itself (so a dead init reads as failed, honestly). */
import type { SandboxInfo } from "@agentkernel/core";
import { isAlive } from "./local-proc.js";
import type { InitRecord, SandboxPaths, SandboxRecord } from "./local-state.js";

/** The sandbox's current info: stopped (no init), running (init alive), failed (init died without a stop). */
export async function toInfo(
  paths: SandboxPaths,
  record: SandboxRecord,
  init: InitRecord | undefined,
  isolation: "bwrap" | "none",
): Promise<SandboxInfo> {
  const spec = record.spec;
  const info: SandboxInfo = {
    name: spec.name,
    backend: "local",
    status: "stopped",
    labels: spec.labels ?? {},
    createdAt: new Date(record.createdAt),
    refs: { stateDir: paths.dir, isolation },
  };
  if (spec.image !== undefined) info.image = spec.image;
  if (spec.resources !== undefined) info.resources = spec.resources;
  if (spec.profile !== undefined) info.profile = spec.profile;
  info.network = spec.network ?? spec.profile === "permissive";
  if (!init) return info;
  info.refs.initPid = init.init.pid;
  if (init.cgroups.length > 0) info.refs.cgroups = init.cgroups.join(",");
  if (await isAlive(init.init)) {
    info.status = "running";
    return info;
  }
  info.status = "failed";
  info.statusDetail = `its init process (pid ${init.init.pid}) exited without a stop; see \`agentkernel logs ${spec.name}\`, then start it again or remove it`;
  return info;
}
