/** Nomad's job check-and-set outcomes (REFERENCE §1.1: uncoded 500s told apart by their text), in one place. */
import { AgentkernelError, ConflictError } from "@agentkernel/core";
import { NomadResponseError } from "./client/index.js";

function nomadCause(err: unknown): unknown {
  return AgentkernelError.isInstance(err) ? err.cause : err;
}

/** True when `err` is a 404 (NotFoundError) or the register check-and-set "job does not exist". */
export function isMissingJob(err: unknown): boolean {
  if (AgentkernelError.isInstance(err) && err.code === "NOT_FOUND") return true;
  const cause = nomadCause(err);
  return cause instanceof NomadResponseError && /job does not exist/.test(cause.body);
}

/** True when a check-and-set register lost because the job changed since the index we held. */
export function isConflictingIndex(err: unknown): boolean {
  const cause = ConflictError.isInstance(err) ? err.cause : err;
  return cause instanceof NomadResponseError && /conflicting job modify index/.test(cause.body);
}

/** True when `err` is the check-and-set "Enforcing job modify index 0: job already exists". */
export function isJobAlreadyExists(err: unknown): boolean {
  const cause = (err as { cause?: unknown }).cause ?? err;
  return cause instanceof NomadResponseError && /job already exists/.test(cause.body);
}
