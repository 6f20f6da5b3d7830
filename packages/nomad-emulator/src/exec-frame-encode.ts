/** Encodes exec output data frames (`{"stdout":{"data":"<base64>"}}`) straight into bytes, many frames per buffer. */

const SUFFIX = Buffer.from('"}}');
const PREFIXES = {
  stdout: Buffer.from('{"stdout":{"data":"'),
  stderr: Buffer.from('{"stderr":{"data":"'),
} as const;

/** The JSON text of each frame, as slices of one shared buffer (in order). */
export interface EncodedFrames {
  frames: Buffer[];
  /** Total bytes of all frames. */
  bytes: number;
}

/**
 * Splits `data` into frames of at most `chunkSize` raw bytes and writes their JSON text back to back into one buffer.
 * The text is byte for byte what `JSON.stringify({ [name]: { data: base64 } })` gives (base64 needs no escaping), but
 * costs one allocation per pipe read instead of an object, a stringify and a string-to-bytes conversion per frame.
 */
export function encodeDataFrames(name: "stdout" | "stderr", data: Buffer, chunkSize: number): EncodedFrames {
  const prefix = PREFIXES[name];
  const overhead = prefix.length + SUFFIX.length;
  const count = Math.ceil(data.length / chunkSize);
  const fullText = overhead + base64Length(chunkSize);
  const lastRaw = data.length - (count - 1) * chunkSize;
  const bytes = count === 0 ? 0 : (count - 1) * fullText + overhead + base64Length(lastRaw);
  const out = Buffer.allocUnsafe(bytes);
  const frames: Buffer[] = [];
  let off = 0;
  for (let i = 0; i < data.length; i += chunkSize) {
    const start = off;
    off += prefix.copy(out, off);
    // toString('base64') is native; writing its one-byte string as latin1 is a plain copy.
    off += out.write(data.toString("base64", i, Math.min(i + chunkSize, data.length)), off, "latin1");
    off += SUFFIX.copy(out, off);
    frames.push(out.subarray(start, off));
  }
  return { frames, bytes };
}

/** Length of the padded base64 text of `n` bytes. */
function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}
