/** isolation "none": plain host processes (trusted code only) still get the full lifecycle, exec and files. */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Backend, collectExec, hasErrorCode } from "@agentkernel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalBackend } from "./index.js";

describe('local backend with isolation "none"', () => {
  let stateDir = "";
  let backend: Backend;
  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "ak-local-none-"));
    backend = createLocalBackend({ stateDir, isolation: "none", logger: () => {} });
  });
  afterAll(async () => {
    await backend.remove("plain");
    await rm(stateDir, { recursive: true, force: true });
  }, 30_000);

  it("runs plain processes in the sandbox's workspace dir, and stop ends the init", async () => {
    await backend.create({ name: "plain" });
    const started = await backend.start("plain");
    expect(started.status).toBe("running");
    const workspace = join(stateDir, "plain", "root", "workspace");
    const pwd = await collectExec(await backend.exec("plain", { command: ["pwd"] }));
    expect(pwd.stdout.toString().trim()).toBe(workspace);
    await backend.writeFile("plain", join(workspace, "f.txt"), "plain file");
    expect(existsSync(join(workspace, "f.txt"))).toBe(true);
    const chunks: Buffer[] = [];
    for await (const chunk of await backend.readFile("plain", join(workspace, "f.txt"))) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("plain file");
    const initPid = Number(started.refs.initPid);
    await backend.stop("plain");
    expect((await backend.get("plain")).status).toBe("stopped");
    // Gone or a zombie awaiting its reaper: either way no longer running.
    const state = await readFile(`/proc/${initPid}/stat`, "utf8").then(
      (t) => t.slice(t.lastIndexOf(")") + 2, t.lastIndexOf(")") + 3),
      () => "gone",
    );
    expect(["gone", "Z", "X"]).toContain(state);
    const error = await backend.exec("plain", { command: ["true"] }).catch((e: unknown) => e);
    expect(hasErrorCode(error, "NOT_RUNNING")).toBe(true);
  }, 30_000);
});
