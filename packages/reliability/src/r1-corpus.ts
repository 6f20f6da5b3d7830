/** R1's hostile corpus: names, paths, argv, env and bodies that must end in a clear error or a correct result. */

/** Sandbox names every edge must refuse (INVALID_INPUT / 400 / exit 2). */
export const BAD_NAMES: string[] = [
  "",
  "a".repeat(64),
  "UPPER",
  "../x",
  "a/b",
  "ünïcödé",
  "-rf",
  "a b",
  "x;id",
  "$(id)",
  "name-",
];

/** Paths that are legal and must round-trip byte for byte (they are argv, never shell text). */
export function roundTripPaths(marker: string): string[] {
  return [
    "/tmp/it's",
    '/tmp/say "hi"',
    `/tmp/$(touch ${marker})`,
    `/tmp/\`touch ${marker}\``,
    "/tmp/new\nline",
    "/tmp/--help",
    "/tmp/-rf",
    "/tmp/semi;colon|pipe&amp",
    `/tmp/${"d".repeat(200)}/${"e".repeat(200)}/${"f".repeat(200)}`,
  ];
}

/** Paths every edge must refuse. */
export const BAD_PATHS: string[] = ["relative/path", "-rf", "/tmp/../etc/passwd", "/tmp/..", `/tmp/${"x/".repeat(2100)}`, ""];

/** Arguments with shell metacharacters: `printf %s ARG` must print ARG exactly, and the host marker must never appear. */
export function hostileArgs(marker: string): string[] {
  return [
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `; touch ${marker}`,
    `| touch ${marker}`,
    `&& touch ${marker}`,
    `\ntouch ${marker}`,
    "'\"'\"",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal shell expansion is the point of this case
    "$HOME ${PATH} $((1+1))",
    "* ? [a-z]",
    "--version",
    "-rf",
    "\\x41\\n",
  ];
}

/** Env names every edge must refuse. */
export const BAD_ENV_NAMES: string[] = ["A=B", "1X", "A B", "A-B", "", "X\nY"];
