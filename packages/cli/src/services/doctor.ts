/** doctor: runs the checks of the chosen backend (--backend, else orchestrator.provider) and says whether all passed. */
import type { CliContext } from "./cli-context.js";
import type { DoctorCheck } from "./doctor-check.js";
import type { BackendId } from "./sandbox-hints.js";

/** The outcome of `doctor`. `ok` is false when any check failed (a skipped check does not fail). */
export interface DoctorResult {
  backend: BackendId;
  ok: boolean;
  checks: DoctorCheck[];
}

/** Runs the checks; never throws for a failing check (they are the result), only for bugs. */
export async function runDoctor(ctx: CliContext): Promise<DoctorResult> {
  const backend = ctx.defaultBackend;
  const checks =
    backend === "nomad"
      ? await (await import("./doctor-nomad.js")).nomadChecks(ctx.config, ctx.env)
      : await (await import("./doctor-local.js")).localChecks(ctx.config, ctx.env);
  return { backend, ok: checks.every((c) => c.ok !== false), checks };
}
