// Incremental decoders for Nomad's two streaming formats: concatenated JSON (fs/logs) and NDJSON (event stream).

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
