/** Bodies and results of /run, /run/stream and /batch/run. */
import { SECURITY_PROFILES } from "@agentkernel/core";
import { z } from "@hono/zod-openapi";
import { ErrorSchema } from "./common.js";
import { CommandFields, ExecResultSchema } from "./exec.js";

export const RunBody = z
  .object({
    ...CommandFields,
    image: z.string().optional().openapi({ example: "python:3.12-alpine" }),
    profile: z.enum(SECURITY_PROFILES).optional(),
    /** Use a warm sandbox when a pool matches (default true, as in the documented API). */
    fast: z.boolean().default(true),
    network: z.boolean().optional(),
    vcpus: z.number().positive().optional(),
    memory_mb: z.number().int().positive().optional(),
  })
  .strict()
  .openapi("RunRequest");
export type RunInput = z.infer<typeof RunBody>;

export const RunResultSchema = ExecResultSchema.extend({
  sandbox: z.string().openapi({ description: "the ephemeral sandbox's name (already removed)" }),
  warm: z.boolean().openapi({ description: "true when a warm pool sandbox was used" }),
}).openapi("RunResult");

export const BatchBody = z
  .object({
    runs: z.array(RunBody).min(1),
    concurrency: z.number().int().positive().optional().openapi({ description: "parallel runs (capped by the server)" }),
  })
  .strict()
  .openapi("BatchRequest");

export const BatchItemSchema = z.union([z.object({ success: z.literal(true), data: RunResultSchema }), ErrorSchema]);

export const BatchResultSchema = z.object({ results: z.array(BatchItemSchema) }).openapi("BatchResult");
