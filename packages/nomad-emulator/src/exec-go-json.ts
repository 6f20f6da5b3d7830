/** Go encoding/json's syntax check (scanner.go), so malformed JSON fails with the exact text Nomad would return. */

type Ctx = "objectKey" | "objectValue" | "arrayValue";
type Step = (c: number) => Step | string | undefined;

/** Go's quoteChar: the offending byte as it appears in `invalid character '…'`. */
export function goQuoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const named: Record<number, string> = { 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 92: "\\\\" };
  const n = named[c];
  if (n !== undefined) return `'${n}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, "0")}'`;
  if (c >= 0x80 && c <= 0xa0) return `'\\u${c.toString(16).padStart(4, "0")}'`;
  return `'${String.fromCharCode(c)}'`;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const err = (c: number, context: string): string => `invalid character ${goQuoteChar(c)} ${context}`;

/** Returns Go's SyntaxError text for `input`, or undefined when it is one valid JSON value. */
export function goJsonSyntaxError(input: string): string | undefined {
  const stack: Ctx[] = [];
  let endTop = false;

  const literal = (word: string, i: number, next: Step): Step => {
    return (c) => {
      const want = word.charCodeAt(i);
      if (c !== want) return err(c, `in literal ${word} (expecting ${goQuoteChar(want)})`);
      return i + 1 === word.length ? next : literal(word, i + 1, next);
    };
  };
  const endValue: Step = (c) => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      endTop = true;
      return endTopStep(c);
    }
    if (isSpace(c)) return endValue;
    if (top === "objectKey") {
      if (c === 0x3a) {
        stack[stack.length - 1] = "objectValue";
        return beginValue;
      }
      return err(c, "after object key");
    }
    if (top === "objectValue") {
      if (c === 0x2c) {
        stack[stack.length - 1] = "objectKey";
        return beginString;
      }
      if (c === 0x7d) {
        stack.pop();
        return endValue;
      }
      return err(c, "after object key:value pair");
    }
    if (c === 0x2c) return beginValue;
    if (c === 0x5d) {
      stack.pop();
      return endValue;
    }
    return err(c, "after array element");
  };
  const endTopStep: Step = (c) => (isSpace(c) ? endTopStep : err(c, "after top-level value"));
  const inString: Step = (c) => {
    if (c === 0x22) return endValue;
    if (c === 0x5c) return inStringEsc;
    if (c < 0x20) return err(c, "in string literal");
    return inString;
  };
  const escU =
    (left: number): Step =>
    (c) => {
      if (!isHex(c)) return err(c, "in \\u hexadecimal character escape");
      return left === 1 ? inString : escU(left - 1);
    };
  const inStringEsc: Step = (c) => {
    if ([0x62, 0x66, 0x6e, 0x72, 0x74, 0x5c, 0x2f, 0x22].includes(c)) return inString;
    if (c === 0x75) return escU(4);
    return err(c, "in string escape code");
  };
  const e0: Step = (c) => (isDigit(c) ? e0 : endValue(c));
  const eSign: Step = (c) => (isDigit(c) ? e0 : err(c, "in exponent of numeric literal"));
  const e: Step = (c) => (c === 0x2b || c === 0x2d ? eSign : eSign(c));
  const dot0: Step = (c) => (isDigit(c) ? dot0 : c === 0x65 || c === 0x45 ? e : endValue(c));
  const dot: Step = (c) => (isDigit(c) ? dot0 : err(c, "after decimal point in numeric literal"));
  const zero: Step = (c) => (c === 0x2e ? dot : c === 0x65 || c === 0x45 ? e : endValue(c));
  const one: Step = (c) => (isDigit(c) ? one : zero(c));
  const neg: Step = (c) => (c === 0x30 ? zero : isDigit(c) ? one : err(c, "in numeric literal"));
  const beginValue: Step = (c) => {
    if (isSpace(c)) return beginValue;
    switch (c) {
      case 0x7b:
        stack.push("objectKey");
        return beginStringOrEmpty;
      case 0x5b:
        stack.push("arrayValue");
        return beginValueOrEmpty;
      case 0x22:
        return inString;
      case 0x2d:
        return neg;
      case 0x30:
        return zero;
      case 0x74:
        return literal("true", 1, endValue);
      case 0x66:
        return literal("false", 1, endValue);
      case 0x6e:
        return literal("null", 1, endValue);
    }
    return isDigit(c) ? one : err(c, "looking for beginning of value");
  };
  const beginValueOrEmpty: Step = (c) => {
    if (isSpace(c)) return beginValueOrEmpty;
    if (c === 0x5d) {
      stack.pop();
      return endValue;
    }
    return beginValue(c);
  };
  const beginString: Step = (c) => {
    if (isSpace(c)) return beginString;
    return c === 0x22 ? inString : err(c, "looking for beginning of object key string");
  };
  const beginStringOrEmpty: Step = (c) => {
    if (isSpace(c)) return beginStringOrEmpty;
    if (c === 0x7d) {
      stack.pop();
      return endValue;
    }
    return beginString(c);
  };

  let step: Step = beginValue;
  for (const c of Buffer.from(input, "utf8")) {
    const next = step(c);
    if (typeof next === "string") return next;
    if (next) step = next;
  }
  // Go's eof(): feed one space; a finished top-level value survives it, a literal or number cut short reports
  // that space (`invalid character ' ' in literal true (expecting 'e')`), anything else ran out of input.
  if (endTop) return undefined;
  const last = step(0x20);
  if (typeof last === "string") return last;
  return endTop ? undefined : "unexpected end of JSON input";
}

/**
 * gorilla's ReadJSON (a json.Decoder over one message): a value, or the decoder's error text. A message cut short
 * is `unexpected EOF` there, not Unmarshal's `unexpected end of JSON input`.
 */
export function decodeWsJson(message: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const syntax = goJsonSyntaxError(message);
  if (syntax === "unexpected end of JSON input") return { ok: false, error: "unexpected EOF" };
  if (syntax !== undefined) return { ok: false, error: syntax };
  return { ok: true, value: JSON.parse(message) };
}

/** The JSON kind Go names in `cannot unmarshal <kind> into …` errors. */
export function goJsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string" || typeof v === "number") return typeof v;
  return "object";
}
