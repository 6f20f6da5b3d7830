/** Shared test helpers: plain fetch against the emulator, polling, and job bodies like the examples. */
import { readFileSync } from "node:fs";

/** A response read fully: status, headers and body (JSON when it parses). */
export interface Res {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** Plain HTTP against the emulator (no client library: the wire format is what is under test). */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Res> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined)
    init.body = typeof body === "string" || body instanceof Uint8Array ? (body as string) : JSON.stringify(body);
  const r = await fetch(base + path, init);
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, text, json };
}

/** Polls until `fn` returns a truthy value (generous timeout: the machine is shared). */
export async function waitFor<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An example file from the shared Nomad API reference. */
export function example(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/nomad-api-examples/${name}`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;
}

/** A batch job whose single task runs `argv` with the given driver. */
export function batchJob(
  id: string,
  argv: string[],
  opts: { driver?: string; ns?: string; meta?: Record<string, string>; memoryMB?: number; group?: Record<string, unknown> } = {},
) {
  const driver = opts.driver ?? "raw_exec";
  const config: Record<string, unknown> = { command: argv[0], args: argv.slice(1) };
  if (driver === "docker") config.image = "ubuntu:24.04";
  return {
    Job: {
      ID: id,
      Type: "batch",
      ...(opts.ns ? { Namespace: opts.ns } : {}),
      ...(opts.meta ? { Meta: opts.meta } : {}),
      TaskGroups: [
        {
          Name: "sandbox",
          RestartPolicy: { Attempts: 0, Mode: "fail" },
          ReschedulePolicy: { Attempts: 0, Unlimited: false },
          ...(opts.group ?? {}),
          Tasks: [
            {
              Name: "main",
              Driver: driver,
              Config: config,
              KillTimeout: 1_000_000_000,
              Resources: { CPU: 100, MemoryMB: opts.memoryMB ?? 64 },
            },
          ],
        },
      ],
    },
  };
}

/** Narrow a JSON value to an object for assertions. */
export function obj(v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new Error(`expected a JSON object, got ${JSON.stringify(v)}`);
  return v as Record<string, unknown>;
}

/** Narrow a JSON value to an array of objects. */
export function arr(v: unknown): Record<string, unknown>[] {
  if (!Array.isArray(v)) throw new Error(`expected a JSON array, got ${JSON.stringify(v)}`);
  return v as Record<string, unknown>[];
}
