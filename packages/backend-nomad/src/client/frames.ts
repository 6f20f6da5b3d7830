// Decoders for Nomad's streaming formats: concatenated JSON (fs/logs), NDJSON (event stream), exec output frames.

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === "string") return Buffer.from(chunk);
  return Buffer.from(chunk as Uint8Array);
}

/**
 * Splits a byte stream of JSON objects written back to back (`{…}{…}`, no separator) into parsed objects.
 * Works on bytes, so a UTF-8 character or an object split across chunks is handled; memory is bounded by one frame.
 */
export async function* decodeConcatenatedJson(source: AsyncIterable<unknown>): AsyncGenerator<unknown> {
  let pending: Buffer[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  for await (const raw of source) {
    const chunk = toBuffer(raw);
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) inString = false;
        continue;
      }
      if (depth === 0) {
        if (byte !== OPEN) {
          // Whitespace between frames; anything else means the stream is not what we expect.
          if (byte === 0x20 || byte === NEWLINE || byte === 0x0d || byte === 0x09) {
            start = i + 1;
            continue;
          }
          throw new SyntaxError(`unexpected byte 0x${(byte ?? 0).toString(16)} between JSON frames`);
        }
        start = i;
      }
      if (byte === QUOTE) inString = true;
      else if (byte === OPEN) depth++;
      else if (byte === CLOSE) {
        depth--;
        if (depth === 0) {
          pending.push(chunk.subarray(start, i + 1));
          const text = Buffer.concat(pending).toString("utf8");
          pending = [];
          start = i + 1;
          yield JSON.parse(text);
        }
      }
    }
    if (depth > 0 && start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (depth > 0 || inString) throw new SyntaxError("stream ended in the middle of a JSON frame");
}

/** Splits newline-delimited JSON into parsed objects, skipping blank lines. */
export async function* decodeNdjson(source: AsyncIterable<unknown>): AsyncGenerator<unknown> {
  let pending: Buffer[] = [];
  for await (const raw of source) {
    const chunk = toBuffer(raw);
    let start = 0;
    let nl = chunk.indexOf(NEWLINE, start);
    while (nl !== -1) {
      pending.push(chunk.subarray(start, nl));
      const line = Buffer.concat(pending).toString("utf8").trim();
      pending = [];
      if (line !== "") yield JSON.parse(line);
      start = nl + 1;
      nl = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  const rest = Buffer.concat(pending).toString("utf8").trim();
  if (rest !== "") yield JSON.parse(rest);
}

/** True for `{}` and other frames with no keys: Nomad's heartbeats. */
export function isHeartbeat(frame: unknown): boolean {
  return typeof frame === "object" && frame !== null && Object.keys(frame).length === 0;
}

const EXEC_PREFIX = { stdout: Buffer.from('{"stdout":{"data":"'), stderr: Buffer.from('{"stderr":{"data":"') } as const;
const EXEC_SUFFIX = Buffer.from('"}}');
const EQUALS = 0x3d;
/** Decoded output shares slabs of this size: one allocation per ~16 frames of 4 KiB instead of one each. */
const SLAB = 64 * 1024;

/** One exec output chunk read by ExecDataDecoder. */
export interface ExecData {
  stream: "stdout" | "stderr";
  data: Buffer;
}

/**
 * Reads the exec frame that carries almost all output, `{"stdout":{"data":"<base64>"}}` (or stderr) byte for byte
 * as Nomad's encoder writes it, without a UTF-8 string, JSON.parse and a fresh buffer per frame. Anything else —
 * close, exited, other spacing, an escape or any byte outside base64 — returns undefined, and the caller parses it
 * as JSON: a byte outside the alphabet always decodes to fewer bytes than the length implies, so the length check
 * sends such a frame there, and an accepted frame decodes exactly as `Buffer.from(JSON.parse(…).stdout.data,
 * "base64")` would.
 */
export class ExecDataDecoder {
  #slab = Buffer.alloc(0);
  #used = 0;

  /** The frame's stream and bytes, or undefined when it is not a plain data frame. */
  decode(raw: Buffer): ExecData | undefined {
    // `{"std` then `o` or `e`: the full prefix is compared below.
    const stream = raw[5] === 0x6f ? "stdout" : raw[5] === 0x65 ? "stderr" : undefined;
    if (stream === undefined) return undefined;
    const prefix = EXEC_PREFIX[stream];
    const start = prefix.length;
    const end = raw.length - EXEC_SUFFIX.length;
    if (end < start || prefix.compare(raw, 0, start) !== 0 || EXEC_SUFFIX.compare(raw, end) !== 0) return undefined;
    const length = end - start;
    if (length % 4 !== 0) return undefined;
    const pad = length === 0 ? 0 : raw[end - 1] !== EQUALS ? 0 : raw[end - 2] === EQUALS ? 2 : 1;
    const expected = (length / 4) * 3 - pad;
    if (this.#slab.length - this.#used < expected) {
      this.#slab = Buffer.allocUnsafe(Math.max(SLAB, expected));
      this.#used = 0;
    }
    const at = this.#used;
    const written = this.#slab.write(raw.toString("latin1", start, end), at, expected, "base64");
    if (written !== expected) return undefined; // not pure base64: the bytes written are simply overwritten later
    this.#used += written;
    return { stream, data: this.#slab.subarray(at, at + written) };
  }
}
