/** PUT/GET/DELETE /sandboxes/{name}/files/{path…}: JSON (utf8/base64) or raw octet-stream with bounded memory. */
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { ConflictError, InvalidInputError, NotFoundError, validateSandboxName, validateSandboxPath } from "@agentkernel/core";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HttpEdgeError } from "../error-handler.js";
import { execCollect } from "../exec-service.js";
import { byteLimit, withDeadline } from "../limits.js";
import { envelope, errorResponses, invalidRequest } from "../schemas/common.js";
import { FileContentSchema, FileParams, FileQuery, FileWrittenSchema, WriteFileBody } from "../schemas/files.js";
import type { AppEnv, ServerDeps } from "../server-context.js";

// `[\s\S]+`, not `.+`: a legal path may contain a newline (percent-encoded in the URL, decoded before matching).
const ROUTE = "/sandboxes/:name/files/:path{[\\s\\S]+}";
const OCTET = "application/octet-stream";

function target(c: Context<AppEnv>): { name: string; path: string } {
  const name = validateSandboxName(c.req.param("name"));
  return { name, path: validateSandboxPath(`/${c.req.param("path") ?? ""}`, "path") };
}

function parseMode(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^0?[0-7]{1,4}$/.test(raw))
    throw new InvalidInputError(`mode: ${JSON.stringify(raw.slice(0, 20))} is not an octal mode such as 0644`);
  return Number.parseInt(raw, 8);
}

function wantsRaw(c: Context<AppEnv>): boolean {
  return (c.req.header("accept") ?? "").includes(OCTET);
}

/** Reads at most `max` bytes; more is a 413 that names the streaming alternative. */
async function readCapped(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) {
      stream.destroy();
      throw new HttpEdgeError(
        "PAYLOAD_TOO_LARGE",
        `file is larger than ${max} bytes; GET it with "Accept: ${OCTET}" to stream it`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Removes a file: exits 3 when nothing is there, so a missing file is a 404 and not a silent success. */
const RM_SCRIPT = 'if [ ! -e "$1" ] && [ ! -L "$1" ]; then exit 3; fi; rm -f -- "$1"';

async function deleteFile(deps: ServerDeps, name: string, path: string, signal: AbortSignal): Promise<void> {
  // The contract has no deleteFile; an argv exec (path as $1, never shell text) does it on every backend.
  const result = await execCollect(
    deps.backend,
    name,
    { command: ["sh", "-c", RM_SCRIPT, "sh", path], output_encoding: "utf8" },
    deps.limits,
    deps.metrics,
    signal,
  );
  if (result.exit_code === 3) throw new NotFoundError(`no file ${path} in sandbox ${name}`);
  if (result.exit_code !== 0)
    throw new ConflictError(`could not remove ${path} in sandbox ${name}: ${result.stderr.trim().slice(0, 500)}`);
}

function registerDocs(app: OpenAPIHono<AppEnv>): void {
  const path = "/sandboxes/{name}/files/{path}";
  const request = { params: FileParams, query: FileQuery };
  app.openAPIRegistry.registerPath({
    method: "put",
    path,
    summary: "Write a file (parents are created): JSON utf8/base64, or a raw octet-stream body of any size",
    request: {
      ...request,
      body: {
        required: true,
        content: { "application/json": { schema: WriteFileBody }, [OCTET]: { schema: { type: "string", format: "binary" } } },
      },
    },
    responses: {
      200: { description: "written", content: { "application/json": { schema: envelope(FileWrittenSchema) } } },
      ...errorResponses(404, 409, 413),
    },
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path,
    summary: `Read a file: JSON (utf8 or ?encoding=base64), or raw bytes streamed with "Accept: ${OCTET}"`,
    request,
    responses: {
      200: {
        description: "the file",
        content: {
          "application/json": { schema: envelope(FileContentSchema) },
          [OCTET]: { schema: { type: "string", format: "binary" } },
        },
      },
      ...errorResponses(404, 409, 413),
    },
  });
  app.openAPIRegistry.registerPath({
    method: "delete",
    path,
    summary: "Delete a file",
    request,
    responses: {
      200: {
        description: "deleted",
        content: { "application/json": { schema: envelope(FileWrittenSchema.pick({ path: true })) } },
      },
      ...errorResponses(404, 409),
    },
  });
}

/** Registers the file routes (plain hono routes: OpenAPI path params cannot span slashes). */
export function registerFileRoutes(app: OpenAPIHono<AppEnv>, deps: ServerDeps): void {
  const { backend, limits } = deps;
  registerDocs(app);

  app.put(ROUTE, async (c) => {
    const { name, path } = target(c);
    const signal = c.get("signal");
    if ((c.req.header("content-type") ?? "").startsWith(OCTET)) {
      const declared = Number(c.req.header("content-length") ?? Number.NaN);
      if (declared > limits.maxUploadBytes)
        throw new HttpEdgeError("PAYLOAD_TOO_LARGE", `upload is larger than ${limits.maxUploadBytes} bytes`);
      const mode = parseMode(c.req.query("mode"));
      const body = c.req.raw.body;
      let bytes = 0;
      const limiter = byteLimit(limits.maxUploadBytes, (n) => {
        bytes += n;
      });
      let overLimit: unknown;
      limiter.on("error", (error) => {
        overLimit = error;
      });
      const source = body ? Readable.fromWeb(body as unknown as WebReadableStream) : Readable.from([]);
      source.on("error", (error) => limiter.destroy(error));
      source.pipe(limiter);
      try {
        await backend.writeFile(name, path, limiter, { signal, ...(mode !== undefined ? { mode } : {}) });
      } catch (error) {
        throw overLimit ?? error;
      }
      if (overLimit) throw overLimit;
      return c.json({ success: true as const, data: { path, bytes } }, 200);
    }
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw new InvalidInputError(
        `body: send JSON {"content": "...", "encoding": "utf8"|"base64"} or a raw body with Content-Type: ${OCTET}`,
      );
    }
    const parsed = WriteFileBody.safeParse(raw);
    if (!parsed.success) throw invalidRequest(parsed.error.issues);
    const data = Buffer.from(parsed.data.content, parsed.data.encoding);
    await withDeadline(signal, limits.requestTimeoutMs, `write ${path}`, (s) =>
      backend.writeFile(name, path, data, { signal: s, ...(parsed.data.mode !== undefined ? { mode: parsed.data.mode } : {}) }),
    );
    return c.json({ success: true as const, data: { path, bytes: data.length } }, 200);
  });

  app.get(ROUTE, async (c) => {
    const { name, path } = target(c);
    const signal = c.get("signal");
    const stream = await withDeadline(signal, limits.requestTimeoutMs, `read ${path}`, (s) =>
      backend.readFile(name, path, { signal: s }),
    );
    if (wantsRaw(c)) {
      // Readable.toWeb pulls as the socket drains, so memory stays bounded whatever the file size.
      const web = Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>;
      c.header("content-type", OCTET);
      return c.body(web, 200);
    }
    const encoding = c.req.query("encoding") ?? "utf8";
    if (encoding !== "utf8" && encoding !== "base64") {
      stream.destroy();
      throw new InvalidInputError("encoding: use utf8 or base64");
    }
    const data = await readCapped(stream, limits.maxJsonFileBytes);
    return c.json(
      { success: true as const, data: { path, content: data.toString(encoding), encoding, bytes: data.length } },
      200,
    );
  });

  app.delete(ROUTE, async (c) => {
    const { name, path } = target(c);
    await withDeadline(c.get("signal"), limits.requestTimeoutMs, `delete ${path}`, (s) => deleteFile(deps, name, path, s));
    return c.json({ success: true as const, data: { path } }, 200);
  });
}
