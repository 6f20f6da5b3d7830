/** logs: the sandbox main process's stdout/stderr, kept apart, optionally followed until Ctrl-C. */
import type { Writable } from "node:stream";
import { CapabilityUnsupportedError, validateSandboxName } from "@agentkernel/core";
import type { CliContext } from "./cli-context.js";
import { writable } from "./stream-io.js";

/** Writes the logs of `name` to `out`/`err` with back-pressure; resolves when the log ends (or follow is aborted). */
export async function streamLogs(
  ctx: CliContext,
  name: string,
  follow: boolean,
  io: { stdout: Writable; stderr: Writable },
): Promise<void> {
  validateSandboxName(name);
  const { id, backend } = await ctx.backendFor(name);
  if (!backend.logs || !backend.capabilities.logs) {
    throw new CapabilityUnsupportedError(`logs (the ${id} backend keeps no task logs)`, { backend: id });
  }
  if (follow && !backend.capabilities.logsFollow) {
    throw new CapabilityUnsupportedError(`logs -f (the ${id} backend cannot follow logs; drop -f)`, { backend: id });
  }
  try {
    for await (const chunk of backend.logs(name, { follow, ...ctx.operationOptions })) {
      const to = chunk.stream === "stderr" ? io.stderr : io.stdout;
      if (to.destroyed) return; // the reader went away (`| head`): nothing more to show
      if (!to.write(chunk.data)) await writable(to);
    }
  } catch (error) {
    // Ctrl-C is how a follow ends: that is success, not an error.
    if (follow && ctx.signal?.aborted) return;
    await ctx.forgetIfMissing(name, error);
    throw error;
  }
}
