// R1 through the backend API: hostile names, paths, argv, env on a real sandbox (exec driver, bubblewrap) in the emulator.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { AgentkernelError, collectExec } from "@agentkernel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BAD_ENV_NAMES, BAD_NAMES, BAD_PATHS, hostileArgs, roundTripPaths } from "./r1-corpus.js";
import { type Backend, type Emulator, emulator, nomadBackend, tempDir } from "./reliability-harness.js";
import { report } from "./reliability-scale.js";

let nomad: Emulator;
let backend: Backend;
let markers: ReturnType<typeof tempDir>;
let marker: string;
const BOX = "r1-backend";
let cases = 0;

/** Expects `p` to reject with a core error of `code`; counts the case. */
async function refused(p: Promise<unknown>, code = "INVALID_INPUT"): Promise<void> {
  cases++;
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(AgentkernelError.isInstance(err), `expected a core error, got ${String(err)}`).toBe(true);
  expect((err as AgentkernelError).code).toBe(code);
  expect((err as Error).message.length).toBeGreaterThan(10);
}

beforeAll(async () => {
  markers = tempDir("marker");
  marker = join(markers.dir, "pwned");
  nomad = await emulator();
  backend = nomadBackend(nomad.address);
  await backend.create({ name: BOX });
  await backend.start(BOX);
});

afterAll(async () => {
  await backend?.remove(BOX).catch(() => undefined);
  await backend?.close?.();
  await nomad?.stop();
  // The marker check: nothing any case ran reached the host.
  const leaked = markers ? readdirSync(markers.dir) : [];
  markers?.cleanup();
  report("R1 backend API", { cases, markerFiles: leaked.length });
  expect(leaked).toEqual([]);
});

describe("R1 hostile corpus through the backend API", () => {
  it("refuses every bad sandbox name on create, get, start and remove", async () => {
    for (const name of BAD_NAMES) {
      await refused(backend.create({ name }));
      await refused(backend.get(name));
    }
    await refused(backend.start("../x"));
    await refused(backend.remove("a/b"));
  });

  it("round-trips hostile but legal paths and refuses bad ones", async () => {
    for (const path of roundTripPaths(marker)) {
      cases++;
      const body = `content of ${path}\n\0\xff`;
      await backend.writeFile(BOX, path, body);
      const chunks: Buffer[] = [];
      for await (const c of await backend.readFile(BOX, path)) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString("latin1")).toBe(Buffer.from(body).toString("latin1"));
    }
    for (const path of BAD_PATHS) {
      await refused(backend.writeFile(BOX, path, "x"));
      await refused(backend.readFile(BOX, path));
    }
    await refused(backend.readFile(BOX, "/tmp/does-not-exist"), "NOT_FOUND");
  });

  it("passes metacharacters in argv and env through literally", async () => {
    for (const arg of hostileArgs(marker)) {
      cases++;
      const res = await collectExec(await backend.exec(BOX, { command: ["printf", "%s", arg] }));
      expect(res).toMatchObject({ exitCode: 0 });
      expect(res.stdout.toString("utf8")).toBe(arg);
    }
    const env = Object.fromEntries(hostileArgs(marker).map((v, i) => [`HOSTILE_${i}`, v]));
    cases++;
    const res = await collectExec(await backend.exec(BOX, { command: ["env"], env }));
    for (const [k, v] of Object.entries(env)) expect(res.stdout.toString("utf8")).toContain(`${k}=${v}`);
    cases++;
    const cwd = await collectExec(await backend.exec(BOX, { command: ["pwd"], cwd: `/tmp/$(touch ${marker})` }));
    expect(cwd.exitCode).not.toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it("refuses bad env names and bad argv", async () => {
    for (const key of BAD_ENV_NAMES) await refused(backend.exec(BOX, { command: ["true"], env: { [key]: "v" } }));
    await refused(backend.exec(BOX, { command: [] }));
    await refused(backend.exec(BOX, { command: ["echo", "nul\0byte"] }));
    await refused(backend.exec(BOX, { command: ["true"], timeoutMs: -1 }));
    await refused(backend.exec("r1-missing", { command: ["true"] }), "NOT_FOUND");
  });
});
