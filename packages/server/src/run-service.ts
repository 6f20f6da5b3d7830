/** Ephemeral runs (/run, /run/stream, /batch/run): claim a warm sandbox or create+start one, exec, always remove. */
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import type { SandboxSpec, StartProgress } from "@agentkernel/core";
import { drainOutput } from "@agentkernel/core";
import { openExec, toExecRequest } from "./exec-service.js";
import type { ServerDeps } from "./server-context.js";
import { anySignal } from "./shutdown.js";
import type { RunInput } from "./schemas/run.js";
import { toSandboxSpec } from "./schemas/sandbox.js";

/** Stages a run reports (the documented creating/starting/executing, plus the backend's finer ones). */
export type RunStage = "claiming" | "creating" | StartProgress["phase"] | "executing";

/** Callbacks as a run advances. Awaited, so a slow SSE client slows the output read (back-pressure). */
export interface RunHooks {
  onStarted?(sandbox: string): Promise<void>;
  onProgress?(stage: RunStage, message?: string): Promise<void>;
  /** Each chunk as it arrives. When absent, output is collected (up to the output limit). */
  onOutput?(stream: "stdout" | "stderr", chunk: Buffer): Promise<void>;
}

/** How a run ended. */
export interface RunOutcome {
  sandbox: string;
  warm: boolean;
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
  truncated: boolean;
}

/** Removing an ephemeral sandbox must not depend on the client still listening. */
const CLEANUP_TIMEOUT_MS = 60_000;

/** The run's sandbox, mapped like a POST /sandboxes body, labelled as a run and given a TTL. */
function runSpec(name: string, input: RunInput, ttlSeconds: number): SandboxSpec {
  const { image, profile, network, vcpus, memory_mb } = input;
  return toSandboxSpec({
    name,
    image,
    profile,
    network,
    vcpus,
    memory_mb,
    labels: { "agentkernel-run": "true" },
    // If this server dies mid-run, the backend's reaper still removes the sandbox.
    ttl_seconds: ttlSeconds,
  });
}

/** Runs `input` in a fresh sandbox and removes it, whatever happens. */
export async function runEphemeral(deps: ServerDeps, input: RunInput, hooks: RunHooks, signal: AbortSignal): Promise<RunOutcome> {
  const { backend, pool, limits, metrics, logger } = deps;
  const name = `run-${randomBytes(6).toString("hex")}`;
  // Validate the command before anything is created, so a bad request costs no sandbox.
  const request = toExecRequest(input, limits, signal);
  const ttl = Math.ceil(Math.max(input.timeout_ms ?? 0, limits.requestTimeoutMs) / 1000) + 300;
  const spec = runSpec(name, input, ttl);
  await hooks.onStarted?.(name);
  let warm = false;
  let pooled = false;
  let created = false;
  try {
    if (pool && input.fast) {
      // The pool claims a warm sandbox when one matches, else creates and starts one cold itself.
      await hooks.onProgress?.("claiming");
      const t0 = performance.now();
      pooled = true;
      const acquired = await pool.acquire(spec, { signal });
      warm = acquired.warm;
      const result = warm ? "hit" : "miss";
      metrics.poolClaims.inc({ result });
      metrics.poolClaimSeconds.observe({ result }, (performance.now() - t0) / 1000);
    } else {
      await hooks.onProgress?.("creating");
      created = true; // set before the call: a create that times out half-way is still removed
      await backend.create(spec, { signal });
      const phases: Promise<void>[] = [];
      await backend.start(name, {
        signal,
        onProgress: (p) => {
          if (p.phase !== "running") phases.push(hooks.onProgress?.(p.phase, p.message) ?? Promise.resolve());
        },
      });
      await Promise.all(phases);
    }
    await hooks.onProgress?.("executing");
    const session = await openExec(backend, name, request, limits, metrics);
    const [stdout, stderr, exit] = await Promise.all([
      pump(session.stdout, "stdout", hooks, limits.maxOutputBytes),
      pump(session.stderr, "stderr", hooks, limits.maxOutputBytes),
      session.exit,
    ]);
    return {
      sandbox: name,
      warm,
      exitCode: exit.exitCode,
      stdout: stdout.data,
      stderr: stderr.data,
      truncated: stdout.truncated || stderr.truncated,
    };
  } finally {
    if (pooled || created) {
      // Not the request's signal: the client may be gone, and the sandbox must still go (unless shutdown ends it).
      const link = deps.shutdown.link();
      const cleanup = anySignal([link.signal, AbortSignal.timeout(CLEANUP_TIMEOUT_MS)]);
      const removal =
        pooled && pool ? pool.release(name, { signal: cleanup.signal }) : backend.remove(name, { signal: cleanup.signal });
      await removal
        .catch((err: unknown) => logger.warn({ err, sandbox: name }, "could not remove an ephemeral sandbox; its ttl will"))
        .finally(() => {
          cleanup.dispose();
          link.release();
        });
    }
  }
}

/** Reads one output stream: forwards chunks to the hook, or keeps up to `max` bytes. */
function pump(
  stream: Readable,
  which: "stdout" | "stderr",
  hooks: RunHooks,
  max: number,
): Promise<{ data: Buffer; truncated: boolean }> {
  return drainOutput(stream, max, hooks.onOutput ? (chunk: Buffer) => hooks.onOutput?.(which, chunk) : undefined);
}
