/** The create-sandbox body (snake_case, like the rest of the API) and its translation to a core SandboxSpec. */
import { parseSandboxSpec, SECURITY_PROFILES, type SandboxSpec, validateSandboxPath } from "@agentkernel/core";
import { z } from "@hono/zod-openapi";

const FileSchema = z.object({
  path: z.string().openapi({ example: "/workspace/main.py" }),
  content: z.string(),
  encoding: z.enum(["utf8", "base64"]).default("utf8"),
  mode: z.number().int().min(0).max(0o7777).optional(),
});

export const CreateSandboxBody = z
  .object({
    name: z.string().openapi({ example: "my-sandbox" }),
    image: z.string().optional().openapi({ example: "python:3.12-alpine" }),
    profile: z.enum(SECURITY_PROFILES).optional(),
    network: z.boolean().optional(),
    read_only: z.boolean().optional(),
    vcpus: z.number().positive().optional(),
    cpu_mhz: z.number().int().positive().optional(),
    memory_mb: z.number().int().positive().optional(),
    memory_max_mb: z.number().int().positive().optional(),
    env: z.record(z.string(), z.string()).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    files: z.array(FileSchema).optional(),
    ttl_seconds: z.number().int().positive().optional(),
    idle_timeout_seconds: z.number().int().positive().optional(),
    /** Start it right away (default true: the documented API creates sandboxes ready to exec). */
    start: z.boolean().default(true),
  })
  .strict()
  .openapi("CreateSandbox");
export type CreateSandboxInput = z.infer<typeof CreateSandboxBody>;

/** Maps the body to a SandboxSpec and validates it with the core schema (InvalidInputError names each field). */
export function toSandboxSpec(body: Omit<CreateSandboxInput, "start">): SandboxSpec {
  const resources = {
    ...(body.vcpus !== undefined ? { vcpus: body.vcpus } : {}),
    ...(body.cpu_mhz !== undefined ? { cpuMHz: body.cpu_mhz } : {}),
    ...(body.memory_mb !== undefined ? { memoryMB: body.memory_mb } : {}),
    ...(body.memory_max_mb !== undefined ? { memoryMaxMB: body.memory_max_mb } : {}),
  };
  return parseSandboxSpec({
    name: body.name,
    ...(body.image !== undefined ? { image: body.image } : {}),
    ...(body.profile !== undefined ? { profile: body.profile } : {}),
    ...(body.network !== undefined ? { network: body.network } : {}),
    ...(body.read_only !== undefined ? { readOnlyRoot: body.read_only } : {}),
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
    ...(body.env !== undefined ? { env: body.env } : {}),
    ...(body.labels !== undefined ? { labels: body.labels } : {}),
    ...(body.files !== undefined
      ? {
          files: body.files.map((f, i) => ({
            path: validateSandboxPath(f.path, `files[${i}].path`),
            content: f.encoding === "base64" ? new Uint8Array(Buffer.from(f.content, "base64")) : f.content,
            ...(f.mode !== undefined ? { mode: f.mode } : {}),
          })),
        }
      : {}),
    ...(body.ttl_seconds !== undefined ? { ttlSeconds: body.ttl_seconds } : {}),
    ...(body.idle_timeout_seconds !== undefined ? { idleTimeoutSeconds: body.idle_timeout_seconds } : {}),
  });
}
