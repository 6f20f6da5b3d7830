/** The shape of one doctor check and its ✓/✗ rendering. */

/** One check: `ok` true (✓), false (✗, with a fix) or null (– not checkable here, with a hint). */
export interface DoctorCheck {
  name: string;
  ok: boolean | null;
  detail: string;
  fix?: string;
}

/** `✓ name: detail` lines; failures and skips add an indented `fix:` line. */
export function renderChecks(checks: readonly DoctorCheck[]): string {
  return checks
    .map((c) => {
      const mark = c.ok === true ? "✓" : c.ok === false ? "✗" : "–";
      const line = `${mark} ${c.name}: ${c.detail}`;
      return c.fix && c.ok !== true ? `${line}\n    fix: ${c.fix}` : line;
    })
    .join("\n");
}
