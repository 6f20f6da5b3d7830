/** The exec body and result: argv, env, cwd, timeout, stdin; `{ exit_code, stdout, stderr, output }` back. */
import { z } from "@hono/zod-openapi";

/** Fields shared by exec, run and batch runs. */
export const CommandFields = {
  command: z
    .array(z.string())
    .min(1)
    .openapi({ example: ["python3", "-c", "print(1+1)"], description: "argv; never joined into shell text" }),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional().openapi({ example: "/workspace" }),
  timeout_ms: z.number().int().positive().optional().openapi({ description: "the command is ended after this long (504)" }),
  stdin: z.string().optional().openapi({ description: "UTF-8 text sent to the command's stdin, then EOF" }),
  stdin_base64: z.string().optional().openapi({ description: "bytes (base64) sent to stdin; give this or stdin" }),
  output_encoding: z.enum(["utf8", "base64"]).default("utf8").openapi({ description: "how stdout/stderr are returned" }),
};

export const ExecBody = z
  .object({ ...CommandFields, user: z.string().optional() })
  .strict()
  .openapi("ExecRequest");
export type ExecInput = z.infer<typeof ExecBody>;

export const ExecResultSchema = z
  .object({
    exit_code: z.number().int(),
    stdout: z.string(),
    stderr: z.string(),
    output: z.string().openapi({ description: "stdout then stderr, for clients of the original API" }),
    truncated: z.boolean().optional().openapi({ description: "true when output beyond the server's limit was dropped" }),
  })
  .openapi("ExecResult");
export type ExecResultView = z.infer<typeof ExecResultSchema>;
