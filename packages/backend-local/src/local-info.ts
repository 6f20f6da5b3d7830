/** Builds SandboxInfo from the state dir, checking the init process itself (so a dead init reads as failed, honestly). */
import { PROFILE_DEFAULTS, type SandboxInfo, type SandboxSpec } from "@agentkernel/core";
import { isAlive } from "./local-proc.js";
import type { InitRecord, SandboxPaths, SandboxRecord } from "./local-state.js";

/** Outbound network for `spec`: its own setting, else its profile's default from core (no profile reads as moderate). */
export function networkOf(spec: Pick<SandboxSpec, "network" | "profile">): boolean {
  return spec.network ?? PROFILE_DEFAULTS[spec.profile ?? "moderate"].network;
}

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
  info.network = networkOf(spec);
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
