// R1 through the built CLI binary: hostile names, argv, env flags, cp paths and bad config files → exit 2 or a correct result.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertCliBuilt, type CliResult, cliEnv, runCli } from "./cli-runner.js";
import { BAD_NAMES, hostileArgs } from "./r1-corpus.js";
import { type Emulator, emulator, tempDir } from "./reliability-harness.js";
import { FULL, report } from "./reliability-scale.js";

/** Short runs take every third case: each CLI process costs seconds of node start-up on a shared 2-core machine. */
const pick = <T>(xs: T[]): T[] => (FULL ? xs : xs.filter((_, i) => i % 3 === 0));

let nomad: Emulator;
let home: ReturnType<typeof tempDir>;
let markers: ReturnType<typeof tempDir>;
let marker: string;
let env: NodeJS.ProcessEnv;
const BOX = "r1-cli";
let cases = 0;

const cli = (args: string[], cwd = home.dir) => runCli(args, { env, cwd, timeoutMs: 90_000 });

/** Runs `task` over `items` with at most `limit` CLI processes at once (2 cores, shared machine). */
async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await task(items[i] as T);
      }
    }),
  );
  return out;
}

function usageError(r: CliResult, what: string): void {
  cases++;
  expect(r.code, `${what}: ${r.stderr.slice(0, 300)}`).toBe(2);
  expect(r.stderr.length, `${what}: an error message`).toBeGreaterThan(10);
  expect(r.stderr, what).not.toMatch(/at .+\.js:\d+/); // no stack trace for a user mistake
}

beforeAll(async () => {
  assertCliBuilt();
  home = tempDir("cli");
  markers = tempDir("marker");
  marker = join(markers.dir, "pwned");
  nomad = await emulator();
  env = cliEnv(home.dir, { NOMAD_ADDR: nomad.address, AGENTKERNEL_PROVIDER: "nomad" });
  expect((await cli(["create", BOX])).code).toBe(0);
  expect((await cli(["start", BOX])).code).toBe(0);
});

afterAll(async () => {
  if (env) await cli(["rm", BOX]).catch(() => undefined);
  await nomad?.stop();
  const leaked = markers ? readdirSync(markers.dir) : [];
  markers?.cleanup();
  home?.cleanup();
  report("R1 CLI", { cases, markerFiles: leaked.length });
  expect(leaked).toEqual([]);
});

describe("R1 hostile corpus through the built CLI", () => {
  it("refuses every bad sandbox name with exit 2", async () => {
    const names = pick(BAD_NAMES);
    const runs = await pool(names, 4, (name) => cli(["create", name]));
    runs.forEach((r, i) => {
      usageError(r, `create ${JSON.stringify(names[i])}`);
    });
  });

  it("passes metacharacters in argv through literally and never to a host shell", async () => {
    // One process for all of them (CLI start-up is the slow part here); each argument is still checked on its own.
    const args = hostileArgs(marker);
    const r = await cli(["exec", BOX, "--", "printf", "%s\\0", ...args]);
    expect(r.code, r.stderr).toBe(0);
    const got = r.stdout.split("\0").slice(0, -1);
    args.forEach((arg, i) => {
      cases++;
      expect(got[i]).toBe(arg);
    });
  });

  it("refuses bad --env names and passes hostile env values literally", async () => {
    for (const bad of pick(["1X=v", "A B=v", "A-B=v", "noequals", "=v"]))
      usageError(await cli(["exec", BOX, "--env", bad, "--", "true"]), bad);
    cases++;
    const value = `$(touch ${marker}); \`id\``;
    const r = await cli(["exec", BOX, "--env", `HOSTILE=${value}`, "--", "printenv", "HOSTILE"]);
    expect(r).toMatchObject({ code: 0, stdout: `${value}\n` });
  });

  it("copies to and from hostile legal paths and refuses bad ones", async () => {
    writeFileSync(join(home.dir, "src.bin"), "payload\n");
    for (const path of pick([`/tmp/$(touch ${marker})`, "/tmp/it's", '/tmp/a "b"', "/tmp/-rf"])) {
      cases++;
      expect((await cli(["cp", "src.bin", `${BOX}:${path}`])).code).toBe(0);
      expect((await cli(["cp", `${BOX}:${path}`, "back.bin"])).code).toBe(0);
      expect(readFileSync(join(home.dir, "back.bin"), "utf8")).toBe("payload\n");
    }
    for (const bad of pick([`${BOX}:/tmp/../etc/x`, `${BOX}:relative`, `BAD NAME:/tmp/x`]))
      usageError(await cli(["cp", "src.bin", bad]), bad);
  });

  it("refuses bad config values with exit 2 and names the key", async () => {
    const configs: [string, string, RegExp][] = [
      ["provider", '[orchestrator]\nprovider = "mars"\n', /provider/],
      ["negative pool", "[orchestrator]\nwarm_pool_size = -1\n", /warm_pool_size/],
      ["ftp address", '[orchestrator]\nnomad_addr = "ftp://x"\n', /nomad_addr/],
      ["broken toml", "[[[orchestrator\n", /agentkernel\.toml/],
      ["unknown key", '[orchestrator]\nnomad_adr = "http://x"\n', /nomad_adr/],
      ["wrong type", '[resources]\nmemory_mb = "lots"\n', /memory_mb/],
    ];
    // Without NOMAD_ADDR / AGENTKERNEL_PROVIDER: env outranks the project file, and the file is what is under test.
    const fileEnv = cliEnv(home.dir);
    const runs = await pool(configs, 3, ([what, text]) => {
      const dir = join(home.dir, `cfg-${what.replace(/\W/g, "-")}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "agentkernel.toml"), text);
      return runCli(["ls"], { env: fileEnv, cwd: dir, timeoutMs: 90_000 });
    });
    runs.forEach((r, i) => {
      const [what, , names] = configs[i] ?? ["?", "", /./];
      usageError(r, `config ${what}`);
      expect(r.stderr, what).toMatch(names);
    });
  });
});
