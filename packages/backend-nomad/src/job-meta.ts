/** Meta keys the backend writes on sandbox jobs and reads back (Nomad is the only store of sandbox facts). */

/** Job ID prefix: sandbox `name` lives in job `agentkernel-<name>`. */
export const JOB_PREFIX = "agentkernel-";
/** Group and task name of every sandbox job. */
export const GROUP_NAME = "sandbox";
export const TASK_NAME = "sandbox";

export const META_SANDBOX = "agentkernel-sandbox";
export const META_MANAGED = "agentkernel-managed";
export const META_IMAGE = "agentkernel-image";
export const META_PROFILE = "agentkernel-profile";
export const META_CREATED_AT = "agentkernel-created-at";
export const META_NETWORK = "agentkernel-network";
export const META_READ_ONLY_ROOT = "agentkernel-read-only-root";
export const META_RESOURCES = "agentkernel-resources";
export const META_TTL_SECONDS = "agentkernel-ttl-seconds";
export const META_IDLE_TIMEOUT_SECONDS = "agentkernel-idle-timeout-seconds";
/** On a name lock (a claimed warm sandbox's `agentkernel-<name>`, see warm-pool/name-lock.ts): the child job ID. */
export const META_WARM_CHILD = "agentkernel-warm-child";
/** On a name lock: when the name was claimed (ISO time). */
export const META_CLAIMED_AT = "agentkernel-claimed-at";
/** Spec labels are stored as `agentkernel-label-<key>` so they never clash with our own keys. */
export const META_LABEL_PREFIX = "agentkernel-label-";

/** Server-side list filter (go-bexpr) that selects only sandboxes this backend manages. */
export const MANAGED_FILTER = `Meta["${META_MANAGED}"] == "true"`;

/** `agentkernel-<name>`. */
export function jobIdFor(name: string): string {
  return `${JOB_PREFIX}${name}`;
}

/** Spec labels as prefixed Meta entries. */
export function labelsToMeta(labels: Record<string, string> | undefined): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) meta[`${META_LABEL_PREFIX}${key}`] = value;
  return meta;
}

/** Prefixed Meta entries back to spec labels. */
export function metaToLabels(meta: Record<string, string> | null | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta ?? {})) {
    if (key.startsWith(META_LABEL_PREFIX)) labels[key.slice(META_LABEL_PREFIX.length)] = value;
  }
  return labels;
}
