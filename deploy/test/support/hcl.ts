// Parses HCL with HashiCorp's own parser (@cdktf/hcl2json, the Go hcl library in wasm) and walks the result.
import { parse } from "@cdktf/hcl2json";

/** HCL as hcl2json returns it: blocks are arrays of bodies keyed by their labels. */
export type HclBody = Record<string, unknown>;

/** Parses one HCL file; a syntax error rejects with the parser's diagnostic. */
export async function parseHcl(filename: string, contents: string): Promise<HclBody> {
  return (await parse(filename, contents)) as HclBody;
}

/** Returns the only body of `block` (optionally with one label) in `body`, failing loudly otherwise. */
export function block(body: HclBody, type: string, label?: string): HclBody {
  const entry = body[type];
  const list = label === undefined ? entry : (entry as Record<string, unknown> | undefined)?.[label];
  if (!Array.isArray(list) || list.length !== 1) {
    throw new Error(`expected exactly one ${type}${label ? ` "${label}"` : ""} block, got ${JSON.stringify(list)}`);
  }
  return list[0] as HclBody;
}

/** Returns every body of `block` (optionally with one label), or [] when there is none. */
export function blocks(body: HclBody, type: string, label?: string): HclBody[] {
  const entry = body[type];
  const list = label === undefined ? entry : (entry as Record<string, unknown> | undefined)?.[label];
  return Array.isArray(list) ? (list as HclBody[]) : [];
}

/** Every [path, string] leaf of a parsed document, for scans such as "no secret-looking value". */
export function stringLeaves(value: unknown, path = ""): Array<[string, string]> {
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** Every key name in a parsed document (env names, config keys …). */
export function keyNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keyNames);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => [k, ...keyNames(v)]);
  }
  return [];
}
