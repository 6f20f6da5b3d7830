// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell scripts, where ${…} is shell syntax
/**
 * The fixed shell scripts exec runs inside a sandbox: a wrapper that applies env and cwd without putting
 * env values into argv, and a killer for timeout/abort. Untrusted strings only ever travel as argv or
 * base64 on stdin; they are never spliced into script text.
 */
import { randomBytes } from "node:crypto";

/**
 * How the wrapper receives env: "h" = header lines on stdin (before the caller's stdin), "f" = the same
 * lines from a file written just before (tty sessions: a pty would echo a stdin header), "n" = none.
 */
export type EnvMode = "h" | "f" | "n";

/** Pid files a sandbox keeps before an exec sweeps out those of finished execs. */
export const PID_FILES_KEPT = 256;

/** Where pid and env files live inside the task (writable for docker even with a read-only rootfs). */
const STATE_DIR = '"${NOMAD_TASK_DIR:-/tmp}/.agentkernel-exec"';

/**
 * `sh -c WRAPPER agentkernel-exec MODE ID CWD TIMEOUT ARGV…`. It records its pid (which `exec` hands to the
 * command), reads `NAME BASE64VALUE` lines up to a `.` line (the shell's `read` takes one byte at a time
 * from a pipe, so the caller's stdin that follows is untouched), exports them, cds, and execs ARGV —
 * under `timeout` when TIMEOUT is set. `AGENTKERNEL_EXEC_ID` lets the killer check it has the right process.
 */
export const WRAPPER_SCRIPT = [
  `d=${STATE_DIR}`,
  // Pid files of finished execs pile up (the command replaces this shell, so nobody removes its own). Once more
  // than PID_FILES_KEPT exist, the stale ones (empty or unreadable files are left alone: one may be being
  // written) go in one `rm`; counting is a glob, so a normal exec forks nothing for it.
  `ak_gc() { set -- "$d"/*.pid; [ $# -gt ${PID_FILES_KEPT} ] || return 0; for f; do shift; p=; { read -r p < "$f"; } 2>/dev/null; { [ -z "$p" ] || kill -0 "$p"; } 2>/dev/null && continue; set -- "$@" "$f"; done; [ $# -eq 0 ] || rm -f -- "$@"; }`,
  "ak_gc",
  // `[` and `echo` are shell builtins: after the first exec of a sandbox this line forks nothing.
  '{ { [ -d "$d" ] || mkdir -p -- "$d"; } && echo $$ > "$d/$2.pid"; } 2>/dev/null',
  "m=$1 i=$2 c=$3 t=$4",
  "shift 4",
  'ak_env() { n=${1%% *}; v=$(printf %s "${1#* }" | base64 -d; printf x); export "$n=${v%x}"; }',
  'if [ "$m" = h ]; then while IFS= read -r l; do [ "$l" = . ] && break; ak_env "$l"; done; fi',
  'if [ "$m" = f ]; then while IFS= read -r l; do [ "$l" = . ] && break; ak_env "$l"; done < "$d/$i.env"; rm -f -- "$d/$i.env"; fi',
  'export AGENTKERNEL_EXEC_ID="$i"',
  'if [ -n "$c" ]; then cd -- "$c" || exit 1; fi',
  'if [ -n "$t" ]; then exec timeout -k 2 "$t" "$@"; fi',
  'exec "$@"',
].join("\n");

/**
 * `sh -c KILLER agentkernel-kill ID`: TERM then KILL the wrapped command and its descendants, but only if
 * the recorded pid still carries our AGENTKERNEL_EXEC_ID (pid reuse, or a runtime that gives each exec its
 * own pid namespace, must never make us kill a stranger).
 */
export const KILL_SCRIPT = [
  `f=${STATE_DIR}/$1.pid`,
  'p=$(cat -- "$f" 2>/dev/null) || exit 0',
  '[ -n "$p" ] || exit 0',
  'tr "\\000" "\\n" < "/proc/$p/environ" 2>/dev/null | grep -qx "AGENTKERNEL_EXEC_ID=$1" || { rm -f -- "$f"; exit 0; }',
  "all=$p new=$p",
  'while [ -n "$new" ]; do',
  "  next=",
  "  for s in /proc/[0-9]*/stat; do",
  '    { read -r r < "$s"; } 2>/dev/null || continue',
  "    r=${r##*) }; pp=${r#* }; pp=${pp%% *}; q=${s#/proc/}; q=${q%/stat}",
  '    case " $new " in *" $pp "*) next="$next $q";; esac',
  "  done",
  '  all="$all$next"; new=${next# }',
  "done",
  "kill -TERM $all 2>/dev/null",
  "n=0",
  'while kill -0 "$p" 2>/dev/null && [ $n -lt 20 ]; do sleep 0.1; n=$((n+1)); done',
  "kill -KILL $all 2>/dev/null",
  'rm -f -- "$f"',
  "exit 0",
].join("\n");

/** A fresh id for one exec session (hex, safe as a file name). */
export function newExecId(): string {
  return randomBytes(8).toString("hex");
}

/** Seconds for `timeout`, with millisecond precision. */
export function timeoutSeconds(ms: number): string {
  return (Math.max(1, Math.ceil(ms)) / 1000).toString();
}

/** argv that runs `command` through the wrapper. */
export function wrapCommand(o: { id: string; mode: EnvMode; cwd?: string; timeoutMs?: number; command: string[] }): string[] {
  const timeout = o.timeoutMs === undefined ? "" : timeoutSeconds(o.timeoutMs);
  return ["sh", "-c", WRAPPER_SCRIPT, "agentkernel-exec", o.mode, o.id, o.cwd ?? "", timeout, ...o.command];
}

/** argv of the second exec that ends a session's command. */
export function killCommand(id: string): string[] {
  return ["sh", "-c", KILL_SCRIPT, "agentkernel-kill", id];
}

/** argv that writes the "f"-mode env file from stdin (mode 600, since it holds env values for a moment). */
export function envFileCommand(id: string): string[] {
  return ["sh", "-c", `d=${STATE_DIR}; umask 077; mkdir -p -- "$d" && cat > "$d/$1.env"`, "agentkernel-env", id];
}

/** The env header: one `NAME BASE64VALUE` line per variable, then a `.` line. Names are pre-validated. */
export function encodeEnvHeader(env: Record<string, string>): Buffer {
  const lines = Object.entries(env).map(([k, v]) => `${k} ${Buffer.from(v, "utf8").toString("base64")}\n`);
  return Buffer.from(`${lines.join("")}.\n`, "utf8");
}
