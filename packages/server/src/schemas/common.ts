/** Shared response schemas (the success envelope, the error body, a sandbox as the API shows it) and the schema-failure error. */
import type { SandboxInfo } from "@agentkernel/core";
import { InvalidInputError, SANDBOX_STATUSES, SECURITY_PROFILES } from "@agentkernel/core";
import { z } from "@hono/zod-openapi";

/** `{ success: true, data }`, the envelope of agentkernel's documented API. */
export function envelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data });
}

/** The INVALID_INPUT (400) error for a body or query that fails its schema, naming each field. */
export function invalidRequest(issues: readonly { path: readonly PropertyKey[]; message: string }[]): InvalidInputError {
  return new InvalidInputError(`invalid request: ${issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`);
}

export const ErrorSchema = z
  .object({
    success: z.literal(false),
    error: z.object({
      code: z.string().openapi({ example: "NOT_FOUND" }),
      message: z.string().openapi({ example: 'sandbox "demo" not found; list sandboxes with GET /sandboxes' }),
    }),
  })
  .openapi("Error");

export const NameParams = z.object({
  name: z.string().openapi({ param: { name: "name", in: "path" }, example: "my-sandbox" }),
});

export const SandboxSchema = z
  .object({
    name: z.string(),
    backend: z.string(),
    status: z.enum(SANDBOX_STATUSES),
    status_detail: z.string().optional(),
    image: z.string().optional(),
    profile: z.enum(SECURITY_PROFILES).optional(),
    network: z.boolean().optional(),
    resources: z
      .object({
        cpu_mhz: z.number().optional(),
        vcpus: z.number().optional(),
        memory_mb: z.number().optional(),
        memory_max_mb: z.number().optional(),
      })
      .optional(),
    labels: z.record(z.string(), z.string()),
    created_at: z.string().openapi({ example: "2026-11-28T12:00:00.000Z" }),
    refs: z.record(z.string(), z.union([z.string(), z.number()])),
  })
  .openapi("Sandbox");
export type SandboxView = z.infer<typeof SandboxSchema>;

/** A SandboxInfo in the API's snake_case shape. */
export function sandboxView(info: SandboxInfo): SandboxView {
  const refs: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(info.refs)) if (v !== undefined) refs[k] = v;
  const r = info.resources;
  return {
    name: info.name,
    backend: info.backend,
    status: info.status,
    ...(info.statusDetail !== undefined ? { status_detail: info.statusDetail } : {}),
    ...(info.image !== undefined ? { image: info.image } : {}),
    ...(info.profile !== undefined ? { profile: info.profile } : {}),
    ...(info.network !== undefined ? { network: info.network } : {}),
    ...(r
      ? {
          resources: {
            ...(r.cpuMHz !== undefined ? { cpu_mhz: r.cpuMHz } : {}),
            ...(r.vcpus !== undefined ? { vcpus: r.vcpus } : {}),
            ...(r.memoryMB !== undefined ? { memory_mb: r.memoryMB } : {}),
            ...(r.memoryMaxMB !== undefined ? { memory_max_mb: r.memoryMaxMB } : {}),
          },
        }
      : {}),
    labels: info.labels,
    created_at: info.createdAt.toISOString(),
    refs,
  };
}

/** The error responses every authenticated route may return, for the OpenAPI document. */
export function errorResponses(...statuses: number[]) {
  const out: Record<number, { description: string; content: { "application/json": { schema: typeof ErrorSchema } } }> = {};
  for (const status of [400, 401, 500, 503, ...statuses]) {
    out[status] = { description: DESCRIPTIONS[status] ?? "error", content: { "application/json": { schema: ErrorSchema } } };
  }
  return out;
}

const DESCRIPTIONS: Record<number, string> = {
  400: "invalid input (INVALID_INPUT)",
  401: "missing or wrong API key (UNAUTHORIZED)",
  403: "the backend refused (PERMISSION_DENIED)",
  404: "no such sandbox or file (NOT_FOUND)",
  409: "name taken, or the sandbox is not running (ALREADY_EXISTS, CONFLICT, NOT_RUNNING)",
  413: "body larger than the server's limit (PAYLOAD_TOO_LARGE)",
  422: "no node can run it (PLACEMENT_FAILED)",
  429: "too many commands queued (TOO_MANY_REQUESTS)",
  500: "a bug (INTERNAL)",
  501: "the backend cannot do this (CAPABILITY_UNSUPPORTED)",
  503: "the backend (Nomad) is unreachable (BACKEND_UNAVAILABLE)",
  504: "deadline passed (TIMEOUT)",
};
