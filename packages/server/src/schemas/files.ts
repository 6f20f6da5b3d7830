/** File bodies: JSON with utf8 or base64 content, or raw application/octet-stream both ways. */
import { z } from "@hono/zod-openapi";

export const WriteFileBody = z
  .object({
    content: z.string(),
    encoding: z.enum(["utf8", "base64"]).default("utf8"),
    mode: z
      .number()
      .int()
      .min(0)
      .max(0o7777)
      .optional()
      .openapi({ description: "permission bits of a new file, e.g. 420 (0644)" }),
  })
  .strict()
  .openapi("WriteFile");

export const FileWrittenSchema = z.object({ path: z.string(), bytes: z.number().int() }).openapi("FileWritten");

export const FileContentSchema = z
  .object({ path: z.string(), content: z.string(), encoding: z.enum(["utf8", "base64"]), bytes: z.number().int() })
  .openapi("FileContent");

export const FileParams = z.object({
  name: z.string().openapi({ param: { name: "name", in: "path" }, example: "my-sandbox" }),
  path: z.string().openapi({
    param: { name: "path", in: "path" },
    example: "workspace/main.py",
    description: "the absolute path without its leading slash; may contain slashes (URL-encode other reserved characters)",
  }),
});

export const FileQuery = z.object({
  encoding: z
    .enum(["utf8", "base64"])
    .optional()
    .openapi({ param: { name: "encoding", in: "query" } }),
  mode: z
    .string()
    .optional()
    .openapi({ param: { name: "mode", in: "query" }, description: "octal mode of a new file on raw uploads, e.g. 0755" }),
});
