// Heuristics for "a secret was written into a deploy file": token-shaped values and secret-named keys with literals.

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;
const LONG_RANDOM = /\b[A-Za-z0-9+/_-]{32,}={0,2}(?![A-Za-z0-9./-])/;
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./;
const SECRET_NAME = /(token|secret|password|passwd|api_?key)$/i;

/** Paths of leaves that look like a secret value, or a secret-named key holding a literal (not a reference). */
export function secretLookingLeaves(leaves: Array<[string, string]>): string[] {
  return leaves
    .filter(([path, value]) => {
      if (UUID.test(value) || JWT.test(value)) return true;
      // Long runs inside references (image digests, paths) are fine; a bare long random word is not.
      if (LONG_RANDOM.test(value) && !value.includes("sha256:") && !value.includes("/")) return true;
      const key = path.split(".").at(-1) ?? "";
      return SECRET_NAME.test(key) && value !== "" && !value.includes("${") && !value.includes("{{");
    })
    .map(([path]) => path);
}
