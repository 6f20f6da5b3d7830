/** spec.files: staged in the state dir at create (contents are not kept in spec.json), written into the sandbox at its first start, then deleted. */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ExecRequest, ExecSession, SandboxFile } from "@agentkernel/core";
import { writeSandboxFile } from "./local-files.js";
import { type SandboxPaths, type SandboxRecord, type StagedFile, writeJsonAtomic } from "./local-state.js";

/** Copies each file's content to staged/<i> (mode 0600) and returns their metadata for spec.json. */
export async function stageFiles(paths: SandboxPaths, files: SandboxFile[]): Promise<StagedFile[]> {
  if (files.length === 0) return [];
  await mkdir(paths.staged, { mode: 0o700 });
  const staged: StagedFile[] = [];
  for (const [i, file] of files.entries()) {
    const name = String(i);
    await writeFile(join(paths.staged, name), file.content, { mode: 0o600 });
    staged.push({ path: file.path, staged: name, ...(file.mode !== undefined ? { mode: file.mode } : {}) });
  }
  return staged;
}

/** Writes staged files into the now running sandbox, then forgets them (record and disk). */
export async function applyStagedFiles(
  paths: SandboxPaths,
  record: SandboxRecord,
  run: (request: ExecRequest) => Promise<ExecSession>,
): Promise<void> {
  if (record.staged.length === 0) return;
  for (const file of record.staged) {
    const content = await readFile(join(paths.staged, file.staged));
    await writeSandboxFile(run, record.spec.name, file.path, content, file.mode);
  }
  await writeJsonAtomic(paths.spec, { ...record, staged: [] });
  await rm(paths.staged, { recursive: true, force: true });
}
