/** The parameterized parent job of one pool, built by the cold job builder so hardening and resources are identical. */
import type { WarmPoolSpec } from "@agentkernel/core";
import type { NomadJob } from "../client/index.js";
import { buildSandboxJob, type JobBuilderSettings } from "../job-builder.js";
import { META_CREATED_AT, META_IMAGE, META_MANAGED, META_SANDBOX } from "../job-meta.js";
import { META_KEY_IMAGE, META_WARM_POOL, parentJobId } from "./warm-pool-ids.js";

/** The image reference as the task config carries it: Nomad fills it from each child's dispatch meta. */
export const IMAGE_FROM_META = `\${NOMAD_META_${META_KEY_IMAGE}}`;

/**
 * Builds `agentkernel-warm-pool.<slug>`: exactly the cold job of a spec with the pool's profile and default
 * resources (same task config, hardening, restart/reschedule policy and group network), with:
 * - the image taken from dispatch meta (`${NOMAD_META_image}`), declared in `MetaRequired`; every key sent at
 *   dispatch is declared (Nomad rejects undeclared keys with a 500),
 * - no `agentkernel-managed`/`agentkernel-sandbox` meta, so warm children never show up as sandboxes in `list`,
 * - payload forbidden (nothing is passed but meta).
 */
export function buildWarmPoolJob(pool: WarmPoolSpec, settings: JobBuilderSettings): NomadJob {
  // The name is a placeholder the job builder needs; the parent's own ID, Name and Meta replace it below.
  const base = buildSandboxJob({ name: "warm-pool", image: IMAGE_FROM_META, profile: pool.profile }, settings, {
    stop: false,
    createdAt: new Date(0),
  });
  const id = parentJobId(pool);
  const meta: Record<string, string> = { ...base.Meta, [META_WARM_POOL]: pool.key, [META_IMAGE]: pool.image };
  delete meta[META_MANAGED];
  delete meta[META_SANDBOX];
  // A fixed spec makes ensurePool's re-register a no-op (same Version) instead of a new version each time.
  delete meta[META_CREATED_AT];
  const [group] = base.TaskGroups;
  const [task] = group.Tasks;
  const taskMeta: Record<string, string> = { ...task.Meta, [META_WARM_POOL]: pool.key };
  delete taskMeta[META_MANAGED];
  delete taskMeta[META_SANDBOX];
  return {
    ...base,
    ID: id,
    Name: id,
    Meta: meta,
    ParameterizedJob: { Payload: "forbidden", MetaRequired: [META_KEY_IMAGE], MetaOptional: [] },
    TaskGroups: [{ ...group, Tasks: [{ ...task, Meta: taskMeta }] }],
  } as NomadJob;
}

/** The dispatch meta of one warm child: only keys the parent declares. */
export function dispatchMeta(pool: WarmPoolSpec): Record<string, string> {
  return { [META_KEY_IMAGE]: pool.image };
}
