/** run: a one-shot sandbox (warm claim when a pool matches, else create+start), one exec, then removal unless --keep. */
import { randomBytes } from "node:crypto";
import { type Backend, poolKey, type SandboxInfo, type StartProgress, type WarmPoolSpec } from "@agentkernel/core";
import type { CliContext } from "./cli-context.js";
import { copyConfigFiles } from "./config-files.js";
import { buildExecRequest, type ExecIo, runExec } from "./exec.js";
import { buildSpec, type CreateInput } from "./lifecycle.js";
import { parseDuration } from "./parse-input.js";

/** TTL of a throwaway run sandbox without `--timeout` (and without `--ttl`). */
export const RUN_DEFAULT_TTL_SECONDS = 3_600;
/** Added to `--timeout` for the TTL: placing, pulling the image, starting, copying files and removing. */
export const RUN_TTL_MARGIN_SECONDS = 600;

/**
 * The TTL a run sandbox gets, so a reaper removes it when this CLI dies (kill -9) before its own cleanup: a
 * given `--ttl` wins; a kept sandbox gets none (the user asked to keep it); else `--timeout` + the margin, or
 * one hour. The local backend accepts the TTL and does not enforce it.
 */
export function runTtl(input: Pick<RunInput, "ttl" | "keep" | "timeout">): string | undefined {
  if (input.ttl !== undefined || input.keep === true) return input.ttl;
  const timeoutSeconds = input.timeout !== undefined ? Math.ceil(parseDuration(input.timeout, "timeout") / 1000) : undefined;
  return `${timeoutSeconds !== undefined ? timeoutSeconds + RUN_TTL_MARGIN_SECONDS : RUN_DEFAULT_TTL_SECONDS}s`;
}

/** What `run` was given. */
export interface RunInput extends Omit<CreateInput, "name" | "env"> {
  command: string[];
  /** Sandbox name; default `run-<8 hex>`. */
  name?: string | undefined;
  /** Keep the sandbox afterwards (it is remembered like a created one). */
  keep?: boolean | undefined;
  /** `K=V` for the command (not the sandbox). */
  env?: string[] | undefined;
  workdir?: string | undefined;
  timeout?: string | undefined;
}

/** How the run went. */
export interface RunResult {
  name: string;
  backend: string;
  exitCode: number;
  /** True when a warm pool allocation was claimed instead of a cold start. */
  warm: boolean;
  kept: boolean;
}

/** The pool for `image` when config lists it and the backend offers warm pools. */
export function matchingPool(ctx: CliContext, backend: Backend, image: string, profile: WarmPoolSpec["profile"]) {
  if (!backend.warmPool || !ctx.config.orchestrator.warm_pool_images.includes(image)) return undefined;
  return { provider: backend.warmPool, pool: { key: poolKey(image, profile), image, profile } satisfies WarmPoolSpec };
}

/** Runs the command once and passes its exit code back; the sandbox is removed even when the command fails. */
export async function runOnce(
  ctx: CliContext,
  input: RunInput,
  io: ExecIo,
  onProgress?: (p: StartProgress) => void,
): Promise<RunResult> {
  const name = input.name ?? `run-${randomBytes(4).toString("hex")}`;
  const request = buildExecRequest({ command: input.command, env: input.env, workdir: input.workdir, timeout: input.timeout });
  const spec = buildSpec(ctx, { ...input, name, env: undefined, ttl: runTtl(input) });
  const id = ctx.defaultBackend;
  const backend = await ctx.backend(id);
  const signal = ctx.operationOptions;
  const warmPool = matchingPool(ctx, backend, spec.image ?? ctx.config.sandbox.base_image, spec.profile ?? "moderate");
  let claimed: SandboxInfo | undefined;
  if (warmPool) {
    onProgress?.({ phase: "placing", message: `claiming a warm sandbox from pool ${warmPool.pool.key}` });
    claimed = await warmPool.provider.claim(warmPool.pool, spec, signal);
  }
  const keep = input.keep === true;
  let created = false;
  try {
    if (!claimed) {
      await backend.create(spec, signal);
      created = true;
      await backend.start(name, { ...signal, ...(onProgress ? { onProgress } : {}) });
    } else onProgress?.({ phase: "running", message: `claimed warm sandbox ${name}` });
    await copyConfigFiles(backend, name, ctx.config.files, ctx.signal);
    if (keep) await ctx.hints.set(name, id);
    const exitCode = await runExec(backend, name, request, io, ctx.signal);
    return { name, backend: id, exitCode, warm: claimed !== undefined, kept: keep };
  } finally {
    // No signal here: after Ctrl-C the sandbox must still be cleaned up.
    if (!keep && claimed) await warmPool?.provider.release(name).catch((e: unknown) => ctx.warn(cleanupFailed(name, e)));
    if (!keep && created) await backend.remove(name).catch((e: unknown) => ctx.warn(cleanupFailed(name, e)));
  }
}

function cleanupFailed(name: string, error: unknown): string {
  return `could not remove sandbox "${name}" (${error instanceof Error ? error.message : String(error)}); remove it with: agentkernel rm --force ${name}`;
}
