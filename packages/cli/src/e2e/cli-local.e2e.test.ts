// The built `agentkernel` binary against the local (bubblewrap) backend with a temp XDG_STATE_HOME.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeSandbox } from "../services/lifecycle.js";
import { tempHome, testContext } from "../services/test-context.js";
import { assertBuilt, type CliOptions, cli } from "./test-cli.js";

let home: ReturnType<typeof tempHome>;
let opts: CliOptions;
const run = (args: string[], extra: Partial<CliOptions> = {}) =>
  cli(args, { ...opts, ...extra, env: { ...opts.env, ...extra.env } });

beforeAll(() => {
  assertBuilt();
  home = tempHome();
  opts = { cwd: home.dir, env: home.env };
});

afterAll(async () => {
  // Local sandboxes outlive the CLI by design: remove whatever a failed test left behind.
  if (home) {
    const { ctx } = await testContext(home, "local");
    for (const name of ["loc-quick"]) await removeSandbox(ctx, name, true).catch(() => undefined);
    await ctx.close();
    home.cleanup();
  }
});

describe("agentkernel against the local backend", () => {
  it("create → start → exec (exit codes, stdin) → cp → ls → stop → rm, with no --backend anywhere", async () => {
    expect((await run(["create", "loc-quick"])).code).toBe(0);
    expect((await run(["start", "loc-quick"])).code).toBe(0);
    const [hello, one, fortyTwo, piped] = await Promise.all([
      run(["exec", "loc-quick", "--", "echo", "hello from local"]),
      run(["exec", "loc-quick", "--", "sh", "-c", "exit 1"]),
      run(["exec", "loc-quick", "--", "sh", "-c", "echo err >&2; exit 42"]),
      run(["exec", "loc-quick", "--", "wc", "-c"], { input: "12345" }),
    ]);
    expect(hello).toMatchObject({ code: 0, out: "hello from local\n" });
    expect([one.code, fortyTwo.code]).toEqual([1, 42]);
    expect(fortyTwo.stderr).toBe("err\n");
    expect(piped.out.trim()).toBe("5");

    const data = randomBytes(150_000);
    data.set([0, 0xff, 0x0a], 0);
    writeFileSync(join(home.dir, "blob.bin"), data);
    expect((await run(["cp", "blob.bin", "loc-quick:/tmp/blob.bin"])).code).toBe(0);
    expect((await run(["cp", "loc-quick:/tmp/blob.bin", "back.bin"])).code).toBe(0);
    expect(readFileSync(join(home.dir, "back.bin")).equals(data)).toBe(true);

    const listed = JSON.parse((await run(["ls", "--json"])).out);
    expect(listed.sandboxes).toEqual([expect.objectContaining({ name: "loc-quick", backend: "local", status: "running" })]);
    expect((await run(["stop", "loc-quick"])).code).toBe(0);
    expect((await run(["rm", "loc-quick"])).code).toBe(0);
    expect((await run(["status", "loc-quick"])).code).toBe(3);
  });

  it("runs the README's quick start line and cleans up after itself", async () => {
    const two = await run(["run", "--", "python3", "-c", "print(1+1)"]);
    expect(two).toMatchObject({ code: 0, out: "2\n" });
    const json = JSON.parse((await run(["run", "--json", "--", "sh", "-c", "echo out; exit 42"])).out);
    expect(json).toMatchObject({ exitCode: 42, stdout: "out\n", warm: false, kept: false, backend: "local" });
    expect(JSON.parse((await run(["ls", "--json"])).out).sandboxes).toEqual([]);
  });
});
