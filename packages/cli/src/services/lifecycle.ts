/** Sandbox lifecycle services (create, start, stop, remove, status, list): all the logic behind the thin commands. */
import {
  type Backend,
  ConflictError,
  parseSandboxSpec,
  type Resources,
  type SandboxInfo,
  type SandboxSpec,
  type SecurityProfile,
  type StartProgress,
  validateSandboxName,
} from "@agentkernel/core";
import type { CliContext } from "./cli-context.js";
import { copyConfigFiles } from "./config-files.js";
import { parseDuration, parseEnvFlags, parseLabelFlags } from "./parse-input.js";
import type { BackendId } from "./sandbox-hints.js";

/** What `create` was given; unset fields fall back to the config. */
export interface CreateInput {
  name: string;
  image?: string | undefined;
  vcpus?: number | undefined;
  cpuMHz?: number | undefined;
  memoryMB?: number | undefined;
  profile?: SecurityProfile | undefined;
  network?: boolean | undefined;
  readOnly?: boolean | undefined;
  /** `K=V` strings, as typed. */
  env?: string[] | undefined;
  labels?: string[] | undefined;
  /** A duration such as `1h`. */
  ttl?: string | undefined;
}

// The local backend has no images (it shows the host root) and warns about one: send it only when the user chose one.
function imageFor(ctx: CliContext, flag: string | undefined): { image?: string } {
  if (flag !== undefined) return { image: flag };
  if (ctx.defaultBackend === "local" && ctx.sources["sandbox.base_image"] === "default") return {};
  return { image: ctx.config.sandbox.base_image };
}

/** Builds the sandbox spec from flags and config ([sandbox], [resources], [security]); throws INVALID_INPUT. */
export function buildSpec(ctx: CliContext, input: CreateInput): SandboxSpec {
  const { config } = ctx;
  const resources: Resources = { memoryMB: input.memoryMB ?? config.resources.memory_mb };
  if (input.cpuMHz !== undefined) resources.cpuMHz = input.cpuMHz;
  else resources.vcpus = input.vcpus ?? config.resources.vcpus;
  const network = input.network ?? config.security.network;
  const readOnlyRoot = input.readOnly ?? config.security.read_only;
  const env = parseEnvFlags(input.env);
  const labels = parseLabelFlags(input.labels);
  return parseSandboxSpec({
    name: validateSandboxName(input.name),
    ...imageFor(ctx, input.image),
    resources,
    profile: input.profile ?? config.security.profile,
    ...(network !== undefined ? { network } : {}),
    ...(readOnlyRoot !== undefined ? { readOnlyRoot } : {}),
    ...(Object.keys(env).length > 0 ? { env } : {}),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(input.ttl !== undefined ? { ttlSeconds: Math.ceil(parseDuration(input.ttl, "ttl") / 1000) } : {}),
  });
}

/** Defines a sandbox on the chosen backend (not started) and remembers which backend holds it. */
export async function createSandbox(ctx: CliContext, input: CreateInput): Promise<SandboxInfo> {
  const spec = buildSpec(ctx, input);
  const id = ctx.defaultBackend;
  const backend = await ctx.backend(id);
  const info = await backend.create(spec, ctx.operationOptions);
  // [[files]] are copied on the first start (a stopped sandbox has nowhere to write them); the hint carries them.
  await ctx.hints.set(spec.name, id, ctx.config.files);
  return info;
}

/** Runs `fn` against the backend holding `name`; a NOT_FOUND drops a stale hint before it propagates. */
async function onSandbox<T>(ctx: CliContext, name: string, fn: (backend: Backend) => Promise<T>) {
  validateSandboxName(name);
  const { backend } = await ctx.backendFor(name);
  try {
    return await fn(backend);
  } catch (error) {
    await ctx.forgetIfMissing(name, error);
    throw error;
  }
}

/** Starts a sandbox and resolves once it can exec, then copies pending `[[files]]`; `onProgress` feeds the spinner. */
export function startSandbox(ctx: CliContext, name: string, onProgress?: (p: StartProgress) => void): Promise<SandboxInfo> {
  return onSandbox(ctx, name, async (b) => {
    const info = await b.start(name, { ...ctx.operationOptions, ...(onProgress ? { onProgress } : {}) });
    const hint = await ctx.hints.hint(name);
    if (hint?.files) {
      await copyConfigFiles(b, name, hint.files, ctx.signal);
      await ctx.hints.set(name, hint.backend);
    }
    return info;
  });
}

/** Stops a sandbox, keeping its definition. */
export async function stopSandbox(ctx: CliContext, name: string): Promise<{ name: string; status: "stopped" }> {
  await onSandbox(ctx, name, (b) => b.stop(name, ctx.operationOptions));
  return { name, status: "stopped" };
}

/** Full detail of one sandbox, read from its backend. */
export function sandboxStatus(ctx: CliContext, name: string): Promise<SandboxInfo> {
  return onSandbox(ctx, name, (b) => b.get(name, ctx.operationOptions));
}

/**
 * Removes a sandbox. Without `force`, a missing sandbox is NOT_FOUND and a running one is refused (CONFLICT);
 * with `force`, it is removed whatever its state and a missing one is not an error.
 */
export async function removeSandbox(ctx: CliContext, name: string, force = false): Promise<{ name: string; removed: true }> {
  await onSandbox(ctx, name, async (b) => {
    if (!force) {
      const info = await b.get(name, ctx.operationOptions);
      if (info.status === "running" || info.status === "pending") {
        throw new ConflictError(`sandbox "${name}" is ${info.status}; stop it first or use --force`);
      }
    }
    await b.remove(name, ctx.operationOptions);
  });
  await ctx.hints.delete(name);
  return { name, removed: true };
}

/** The result of `list`: sandboxes of every backend asked, plus backends that could not be asked. */
export interface ListResult {
  sandboxes: SandboxInfo[];
  warnings: string[];
}

// Nomad's job list has no allocation; `get` adds node and alloc IDs for the table (a few requests, bounded).
async function withAllocRefs(ctx: CliContext, id: BackendId, list: SandboxInfo[]): Promise<SandboxInfo[]> {
  if (id !== "nomad" || list.length > 50) return list;
  const backend = await ctx.backend(id);
  return Promise.all(list.map((s) => backend.get(s.name, ctx.operationOptions).catch(() => s)));
}

/** Lists sandboxes. A backend other than the default one that cannot be reached becomes a warning, not a failure. */
export async function listSandboxes(ctx: CliContext, labels?: Record<string, string>): Promise<ListResult> {
  const result: ListResult = { sandboxes: [], warnings: [] };
  for (const id of await ctx.configuredBackends()) {
    try {
      const backend = await ctx.backend(id);
      const list = await backend.list({ ...ctx.operationOptions, ...(labels ? { labels } : {}) });
      result.sandboxes.push(...(await withAllocRefs(ctx, id, list)));
    } catch (error) {
      if (id === ctx.defaultBackend) throw error;
      result.warnings.push(`${id} backend not listed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  result.sandboxes.sort((a, b) => a.name.localeCompare(b.name) || a.backend.localeCompare(b.backend));
  return result;
}
