/** The go-bexpr subset Nomad list filters use: ==, !=, in, contains, matches, is (not) empty, and/or/not, ( ). */

/** A compiled filter; `match` is false when the selector does not resolve (Nomad skips such objects). */
export interface Filter {
  match(obj: unknown): boolean;
}

type Seg = string;
type Node =
  | { k: "and"; a: Node; b: Node }
  | { k: "or"; a: Node; b: Node }
  | { k: "not"; a: Node }
  | { k: "cmp"; op: string; sel: Seg[]; val?: string };

class Missing extends Error {}

function tokenize(src: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? "";
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")" || c === "[" || c === "]" || c === ".") {
      out.push(c);
      i++;
    } else if (src.startsWith("==", i) || src.startsWith("!=", i)) {
      out.push(src.slice(i, i + 2));
      i += 2;
    } else if (c === '"' || c === "`") {
      let j = i + 1;
      let s = "";
      while (j < src.length && src[j] !== c) {
        if (c === '"' && src[j] === "\\" && j + 1 < src.length) {
          const n = src[j + 1] ?? "";
          s += n === "n" ? "\n" : n === "t" ? "\t" : n;
          j += 2;
        } else s += src[j++];
      }
      if (j >= src.length) throw new Error(`1:${i + 1} (${i}): unterminated string literal`);
      out.push(`\u0000${s}`); // marks a quoted value
      i = j + 1;
    } else {
      const m = /^[A-Za-z0-9_\-+:/]+/.exec(src.slice(i));
      if (!m) throw new Error(`1:${i + 1} (${i}): no match found, unexpected "${c}"`);
      out.push(m[0]);
      i += m[0].length;
    }
  }
  return out;
}

class Parser {
  private p = 0;
  constructor(private readonly t: string[]) {}
  private peek(o = 0): string | undefined {
    return this.t[this.p + o];
  }
  private next(): string {
    const v = this.t[this.p++];
    if (v === undefined) throw new Error("unexpected end of expression");
    return v;
  }
  private expect(v: string): void {
    const got = this.next();
    if (got !== v) throw new Error(`expected "${v}", got "${got.replace("\u0000", "")}"`);
  }
  parse(): Node {
    const n = this.or();
    if (this.p < this.t.length) throw new Error(`unexpected "${(this.peek() ?? "").replace("\u0000", "")}"`);
    return n;
  }
  private or(): Node {
    let n = this.and();
    while (this.peek() === "or") {
      this.p++;
      n = { k: "or", a: n, b: this.and() };
    }
    return n;
  }
  private and(): Node {
    let n = this.not();
    while (this.peek() === "and") {
      this.p++;
      n = { k: "and", a: n, b: this.not() };
    }
    return n;
  }
  private not(): Node {
    if (this.peek() === "not") {
      this.p++;
      return { k: "not", a: this.not() };
    }
    if (this.peek() === "(") {
      this.p++;
      const n = this.or();
      this.expect(")");
      return n;
    }
    return this.match();
  }
  private value(): string {
    const v = this.next();
    if (["(", ")", "[", "]", ".", "==", "!="].includes(v)) throw new Error(`expected a value, got "${v}"`);
    return v.startsWith("\u0000") ? v.slice(1) : v;
  }
  private selector(): Seg[] {
    const first = this.next();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(first)) throw new Error(`invalid selector "${first.replace("\u0000", "")}"`);
    const segs = [first];
    for (;;) {
      if (this.peek() === ".") {
        this.p++;
        segs.push(this.next().replace("\u0000", ""));
      } else if (this.peek() === "[") {
        this.p++;
        segs.push(this.value());
        this.expect("]");
      } else return segs;
    }
  }
  private match(): Node {
    const tok = this.peek() ?? "";
    const isValue = tok.startsWith("\u0000") || /^-?\d/.test(tok) || tok === "true" || tok === "false";
    if (isValue && (this.peek(1) === "in" || (this.peek(1) === "not" && this.peek(2) === "in"))) {
      const val = this.value();
      const neg = this.peek() === "not";
      this.p += neg ? 2 : 1;
      const n: Node = { k: "cmp", op: "in", sel: this.selector(), val };
      return neg ? { k: "not", a: n } : n;
    }
    const sel = this.selector();
    const op = this.next();
    if (op === "==" || op === "!=") return { k: "cmp", op, sel, val: this.value() };
    if (op === "is") {
      const neg = this.peek() === "not";
      if (neg) this.p++;
      this.expect("empty");
      const n: Node = { k: "cmp", op: "empty", sel };
      return neg ? { k: "not", a: n } : n;
    }
    const neg = op === "not";
    const real = neg ? this.next() : op;
    if (real !== "contains" && real !== "matches" && real !== "in")
      throw new Error(`unexpected operator "${real.replace("\u0000", "")}"`);
    const n: Node = { k: "cmp", op: real === "in" ? "in-rev" : real, sel, val: this.value() };
    return neg ? { k: "not", a: n } : n;
  }
}

function resolve(obj: unknown, sel: Seg[]): unknown {
  let cur = obj;
  for (const s of sel) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !(s in (cur as object))) throw new Missing();
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

function coerceEq(field: unknown, val: string): boolean {
  if (typeof field === "number") return field === Number(val);
  if (typeof field === "boolean") return String(field) === val;
  if (field === null || field === undefined) return val === "";
  return String(field) === val;
}

function evalNode(n: Node, obj: unknown): boolean {
  if (n.k === "and" || n.k === "or")
    return n.k === "and" ? evalNode(n.a, obj) && evalNode(n.b, obj) : evalNode(n.a, obj) || evalNode(n.b, obj);
  if (n.k === "not") return !evalNode(n.a, obj);
  const f = resolve(obj, n.sel);
  const v = n.val ?? "";
  switch (n.op) {
    case "==":
      return coerceEq(f, v);
    case "!=":
      return !coerceEq(f, v);
    case "empty":
      return (
        f === null ||
        f === undefined ||
        f === "" ||
        (Array.isArray(f) && f.length === 0) ||
        (typeof f === "object" && Object.keys(f as object).length === 0)
      );
    case "in":
    case "contains":
      if (typeof f === "string") return f.includes(v);
      if (Array.isArray(f)) return f.some((x) => coerceEq(x, v));
      if (f && typeof f === "object") return v in (f as object);
      return false;
    case "in-rev":
      return typeof v === "string" && typeof f === "string" && v.includes(f);
    case "matches":
      return typeof f === "string" && new RegExp(v).test(f);
  }
  return false;
}

/** Compiles a filter; throws an Error whose message follows go-bexpr's parse error (prefixing is the caller's). */
export function compileFilter(src: string): Filter {
  const ast = new Parser(tokenize(src)).parse();
  const checkRegex = (n: Node): void => {
    if (n.k === "cmp" && n.op === "matches") new RegExp(n.val ?? "");
    if (n.k === "and" || n.k === "or") {
      checkRegex(n.a);
      checkRegex(n.b);
    } else if (n.k === "not") checkRegex(n.a);
  };
  checkRegex(ast);
  return {
    match(obj: unknown): boolean {
      try {
        return evalNode(ast, obj);
      } catch (err) {
        if (err instanceof Missing) return false;
        throw err;
      }
    },
  };
}
