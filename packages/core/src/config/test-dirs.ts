/** Test helper: a throwaway project dir and user config dir on real disk, removed after each test. */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach } from "vitest";

/** A temp layout: `root/project` (the cwd) and `root/user` (the user config dir). */
export interface ConfigDirs {
  root: string;
  project: string;
  user: string;
  /** Writes `text` at a path relative to root and returns the absolute path. */
  write(relative: string, text: string): Promise<string>;
}

/** Registers cleanup and returns a factory of fresh temp layouts. */
export function useConfigDirs(): () => Promise<ConfigDirs> {
  const roots: string[] = [];
  afterEach(async () => {
    await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
  });
  return async () => {
    const root = await mkdtemp(join(tmpdir(), "agentkernel-config-"));
    roots.push(root);
    const project = join(root, "project");
    const user = join(root, "user");
    await mkdir(project);
    await mkdir(user);
    return {
      root,
      project,
      user,
      async write(relative, text) {
        const path = join(root, relative);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, text);
        return path;
      },
    };
  };
}
