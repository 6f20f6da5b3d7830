/** Sandbox types shared by every backend, with the zod schema that validates a spec at the edges. */
import { z } from "zod";
import { InvalidInputError } from "./errors/invalid-input-error.js";
import { ENV_NAME_PATTERN, SANDBOX_NAME_PATTERN, SANDBOX_NAME_RULE } from "./names.js";

/** Security profiles; backends map them to concrete hardening (see each backend's README). */
export const SECURITY_PROFILES = ["permissive", "moderate", "restrictive"] as const;
export type SecurityProfile = (typeof SECURITY_PROFILES)[number];

/**
 * What each profile means when a spec leaves `network` / `readOnlyRoot` unset. Every backend and the warm pool
 * read this one table, so a warm sandbox and a cold one of the same profile are hardened alike.
 */
export const PROFILE_DEFAULTS: Readonly<Record<SecurityProfile, { network: boolean; readOnlyRoot: boolean }>> = {
  permissive: { network: true, readOnlyRoot: false },
  moderate: { network: false, readOnlyRoot: false },
  restrictive: { network: false, readOnlyRoot: true },
};

/** Core sandbox status; backends map their native states onto these. */
export const SANDBOX_STATUSES = ["pending", "running", "stopped", "failed", "lost", "unknown"] as const;
export type SandboxStatus = (typeof SANDBOX_STATUSES)[number];

export const resourcesSchema = z
  .object({
    /** CPU in MHz (Nomad `cpu`). Give this or `vcpus`, not both. */
    cpuMHz: z.number().int().min(1).max(1_000_000).optional(),
    /** Virtual CPUs; a backend converts (Nomad: vcpus × MHz per core). */
    vcpus: z.number().positive().max(512).optional(),
    memoryMB: z.number().int().min(16).max(1_048_576).optional(),
    /** Hard memory ceiling (Nomad `memory_max`); must be ≥ memoryMB. */
    memoryMaxMB: z.number().int().min(16).max(1_048_576).optional(),
  })
  .strict()
  .refine((r) => !(r.cpuMHz !== undefined && r.vcpus !== undefined), {
    message: "give cpuMHz or vcpus, not both",
  })
  .refine((r) => r.memoryMaxMB === undefined || r.memoryMB === undefined || r.memoryMaxMB >= r.memoryMB, {
    message: "memoryMaxMB must be ≥ memoryMB",
  });
export type Resources = z.infer<typeof resourcesSchema>;

const fileSchema = z
  .object({
    path: z.string().startsWith("/", "must be an absolute path"),
    content: z.union([z.string(), z.instanceof(Uint8Array)]),
    mode: z.number().int().min(0).max(0o7777).optional(),
  })
  .strict();

export const sandboxSpecSchema = z
  .object({
    name: z.string().regex(SANDBOX_NAME_PATTERN, `must be ${SANDBOX_NAME_RULE}`),
    image: z.string().min(1).max(512).optional(),
    resources: resourcesSchema.optional(),
    /** Outbound network allowed. Default false for moderate/restrictive, true for permissive. */
    network: z.boolean().optional(),
    readOnlyRoot: z.boolean().optional(),
    env: z.record(z.string().regex(ENV_NAME_PATTERN, "env names are letters, digits and _"), z.string()).optional(),
    files: z.array(fileSchema).max(1000).optional(),
    labels: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]{1,63}$/, "label keys are 1–63 of A-Z a-z 0-9 _ . -"), z.string().max(256))
      .optional(),
    /** Removed after this many seconds from creation (reapers enforce it). */
    ttlSeconds: z.number().int().positive().optional(),
    /** Removed after this many idle seconds. */
    idleTimeoutSeconds: z.number().int().positive().optional(),
    profile: z.enum(SECURITY_PROFILES).optional(),
  })
  .strict();

/** What a caller asks for. Only `name` is required; backends fill defaults from config. */
export type SandboxSpec = z.infer<typeof sandboxSpecSchema>;
export type SandboxFile = z.infer<typeof fileSchema>;

/** Backend-specific references (Nomad job and alloc IDs, local pid…), for display and debugging. */
export type BackendRefs = Record<string, string | number | undefined>;

/** What a backend reports about a sandbox. Read from the backend's source of truth on every call. */
export interface SandboxInfo {
  name: string;
  backend: string;
  status: SandboxStatus;
  /** Human detail for the status (a task event, an exit reason). */
  statusDetail?: string;
  image?: string;
  resources?: Resources;
  network?: boolean;
  profile?: SecurityProfile;
  labels: Record<string, string>;
  createdAt: Date;
  refs: BackendRefs;
}

/** Validates untrusted input into a SandboxSpec, or throws InvalidInputError naming each bad field. */
export function parseSandboxSpec(input: unknown): SandboxSpec {
  const result = sandboxSpecSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join(".") || "spec"}: ${i.message}`);
  throw new InvalidInputError(`invalid sandbox spec: ${issues.join("; ")}`);
}
