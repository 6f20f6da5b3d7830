/** Strict parsing of flag values: durations (`30s`, `1h30m`), `K=V` pairs, sizes; errors say what to type instead. */
import { ENV_NAME_PATTERN, InvalidInputError } from "@agentkernel/core";

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+)(ms|s|m|h|d)/;

/** Parses `90s`, `5m`, `1h30m`, `250ms`, `2d` into milliseconds. No bare numbers, no zero, no negatives. */
export function parseDuration(input: string, flag: string): number {
  const text = input.trim();
  const bad = (why: string) =>
    new InvalidInputError(`--${flag}: ${JSON.stringify(input)} ${why}; use a number with a unit, e.g. 30s, 5m, 1h30m`);
  if (/^\d+$/.test(text)) throw bad("has no unit");
  let rest = text;
  let total = 0;
  while (rest !== "") {
    const match = DURATION.exec(rest);
    if (!match) throw bad("is not a duration");
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? Number.NaN);
    rest = rest.slice(match[0].length);
  }
  if (text === "" || !Number.isSafeInteger(total)) throw bad("is not a duration");
  if (total <= 0) throw bad("must be longer than zero");
  return total;
}

/** Parses repeated `K=V` flags into a record; the value may contain `=`, the key may not be empty. */
export function parseKeyValues(
  pairs: readonly string[] | undefined,
  flag: string,
  key?: { pattern: RegExp; rule: string },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new InvalidInputError(`--${flag}: ${JSON.stringify(pair.slice(0, 80))} is not KEY=VALUE; e.g. --${flag} FOO=bar`);
    }
    const name = pair.slice(0, eq);
    if (key && !key.pattern.test(name)) {
      throw new InvalidInputError(`--${flag}: ${JSON.stringify(name.slice(0, 80))} is not a valid key; use ${key.rule}`);
    }
    if (name in out) throw new InvalidInputError(`--${flag}: ${name} is given twice; give each key once`);
    out[name] = pair.slice(eq + 1);
  }
  return out;
}

/** `--env K=V`: POSIX variable names. */
export function parseEnvFlags(pairs: readonly string[] | undefined): Record<string, string> {
  return parseKeyValues(pairs, "env", { pattern: ENV_NAME_PATTERN, rule: "letters, digits and _, not starting with a digit" });
}

/** `--label K=V`: the label-key rule of the sandbox spec. */
export function parseLabelFlags(pairs: readonly string[] | undefined): Record<string, string> {
  return parseKeyValues(pairs, "label", { pattern: /^[A-Za-z0-9_.-]{1,63}$/, rule: "1–63 of A-Z a-z 0-9 _ . -" });
}

/** `--vcpus`: a positive decimal number such as `2` or `0.5`. */
export async function parseVcpus(input: string): Promise<number> {
  const value = /^\d+(\.\d+)?$/.test(input.trim()) ? Number(input) : Number.NaN;
  if (!(value > 0))
    throw new InvalidInputError(`--vcpus: ${JSON.stringify(input)} is not a positive number; e.g. --vcpus 2 or --vcpus 0.5`);
  return value;
}
