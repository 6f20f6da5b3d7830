/** Go-compatible parsing of query parameters (strconv.ParseBool/ParseInt, json.Unmarshal into []string) with Go's error texts. */
import { goJsonKind, goJsonSyntaxError } from "./exec-go-json.js";

/** A parse result: the value, or Go's error text. */
export type GoParse<T> = { ok: true; value: T } | { ok: false; error: string };

const TRUE_WORDS = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE_WORDS = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** strconv.ParseBool, whose error Nomad quotes verbatim in its messages. */
export function parseGoBool(s: string): GoParse<boolean> {
  if (TRUE_WORDS.has(s)) return { ok: true, value: true };
  if (FALSE_WORDS.has(s)) return { ok: true, value: false };
  return { ok: false, error: `strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax` };
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** strconv.ParseInt(s, 10, 64). Values beyond Number's safe range are clamped (files that large do not exist here). */
export function parseGoInt64(s: string): GoParse<number> {
  if (!/^[+-]?[0-9]+$/.test(s)) return { ok: false, error: `strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax` };
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) {
    return { ok: false, error: `strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range` };
  }
  const n = Number(big);
  return { ok: true, value: Math.max(Math.min(n, Number.MAX_SAFE_INTEGER), Number.MIN_SAFE_INTEGER) };
}

/**
 * json.Unmarshal([]byte(s), &[]string{}): Go's syntax errors first, then type errors. `null` yields an empty
 * command (Nomad then says `command is not present`), as do JSON nulls inside the array (Go leaves them "").
 */
export function parseCommandJson(s: string): GoParse<string[]> {
  const syntax = goJsonSyntaxError(s);
  if (syntax !== undefined) return { ok: false, error: syntax };
  const parsed: unknown = JSON.parse(s);
  if (parsed === null) return { ok: true, value: [] };
  if (!Array.isArray(parsed)) {
    return { ok: false, error: `json: cannot unmarshal ${goJsonKind(parsed)} into Go value of type []string` };
  }
  const out: string[] = [];
  for (const el of parsed) {
    if (el === null) out.push("");
    else if (typeof el === "string") out.push(el);
    else return { ok: false, error: `json: cannot unmarshal ${goJsonKind(el)} into Go value of type string` };
  }
  return { ok: true, value: out };
}
