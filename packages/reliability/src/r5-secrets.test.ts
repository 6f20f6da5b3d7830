// R5: a recognisable NOMAD_TOKEN and API key never appear in logs, errors, CLI output, job specs or any process's argv.
import { randomBytes, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createNomadBackend } from "@agentkernel/backend-nomad";
import { AgentkernelError, collectExec } from "@agentkernel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertCliBuilt, cliEnv, runCli } from "./cli-runner.js";
import { type PoolServer, startPoolServer } from "./pool-server.js";
import { scanCmdlines, watchCmdlines } from "./proc-scan.js";
import { type Emulator, emulator, tempDir } from "./reliability-harness.js";
import { FULL, report } from "./reliability-scale.js";

// A UUID (the emulator wants one) that no other test uses, and an API key that says what it is.
const TOKEN = randomUUID();
const API_KEY = `ak-r5-SECRET-${randomBytes(12).toString("hex")}`;
const SECRETS = [TOKEN, API_KEY];

let nomad: Emulator;
let home: ReturnType<typeof tempDir>;
let server: PoolServer;
const captured: { where: string; text: string }[] = [];
const capture = (where: string, text: string) => captured.push({ where, text });

/** Everything an error carries: message, code, stack, cause chain and its JSON. */
function errorText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 6; depth++) {
    parts.push(String(e), (e as Error).stack ?? "");
    try {
      parts.push(JSON.stringify(e));
    } catch {
      // circular: the other parts still count
    }
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join("\n");
}

beforeAll(async () => {
  assertCliBuilt();
  home = tempDir("r5");
  nomad = await emulator({ isolation: "none", acl: { enabled: true, managementToken: TOKEN } });
});

afterAll(async () => {
  await server?.stop();
  await nomad?.stop();
  home?.cleanup();
});

/** Captures every job spec the emulator holds, as Nomad would return it. */
async function captureJobSpecs(): Promise<void> {
  const headers = { "X-Nomad-Token": TOKEN };
  const jobs = (await (await fetch(`${nomad.address}/v1/jobs`, { headers })).json()) as { ID: string }[];
  for (const j of jobs) {
    const spec = await fetch(`${nomad.address}/v1/job/${encodeURIComponent(j.ID)}`, { headers });
    capture(`job spec ${j.ID}`, await spec.text());
  }
}

describe("R5 secrets stay secret", () => {
  it("zero occurrences of the token or key in logs, errors, CLI output, job specs and argv", async () => {
    const argvWatch = watchCmdlines(SECRETS, 200);
    const env = cliEnv(home.dir, {
      NOMAD_ADDR: nomad.address,
      NOMAD_TOKEN: TOKEN,
      AGENTKERNEL_PROVIDER: "nomad",
      AGENTKERNEL_API_KEY: API_KEY,
    });
    const cli = async (args: string[]) => {
      const r = await runCli(args, { env, cwd: home.dir, timeoutMs: 90_000 });
      capture(`cli ${args.join(" ")}`, `${r.stdout}\n${r.stderr}`);
      return r;
    };

    // CLI: a one-shot run (create, start, exec, remove in one process), a failure and the config it resolved.
    expect((await cli(["run", "--", "sh", "-c", "echo out; echo err >&2"])).code).toBe(0);
    await cli(["exec", "r5-missing", "--", "true"]);
    await cli(["config", "show"]);
    if (FULL) {
      // The long way and more surfaces that print settings; each CLI process costs seconds on a shared machine.
      writeFileSync(join(home.dir, "f.txt"), "data");
      expect((await cli(["create", "r5-cli"])).code).toBe(0);
      expect((await cli(["start", "r5-cli"])).code).toBe(0);
      expect((await cli(["exec", "r5-cli", "--", "sh", "-c", "echo out; echo err >&2"])).code).toBe(0);
      await cli(["cp", "f.txt", "r5-cli:/tmp/f.txt"]);
      await cli(["status", "r5-cli", "--json"]);
      await cli(["ls", "--json"]);
      await cli(["config", "show", "--json"]);
      await cli(["doctor"]);
      await captureJobSpecs();
      await cli(["rm", "r5-cli"]);
    }
    // A wrong token: the error must not echo the token it was given.
    const wrong = await runCli(["ls"], { env: { ...env, NOMAD_TOKEN: `${TOKEN.slice(0, 30)}ffffff` }, cwd: home.dir });
    capture("cli with a wrong token", `${wrong.stdout}\n${wrong.stderr}`);

    // Server process: logs on stdout, every answer captured.
    server = await startPoolServer(
      { nomadAddr: nomad.address, apiKey: API_KEY, target: 1, max: 2 },
      { NOMAD_TOKEN: TOKEN, LOG_LEVEL: "debug" },
    );
    const api = async (method: string, path: string, body?: unknown, key: string | null = API_KEY) => {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (key) headers["x-api-key"] = key;
      const res = await fetch(`${server.url}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
      capture(`server ${method} ${path}`, await res.text());
    };
    await api("POST", "/sandboxes", { name: "r5-srv" });
    await api("POST", "/sandboxes/r5-srv/exec", { command: ["sh", "-c", "echo hi; exit 3"] });
    await api("POST", "/sandboxes/r5-srv/exec", { command: ["printenv"] });
    await api("POST", "/run", { command: ["true"], fast: true });
    // Job specs as Nomad stores them (the sandbox and the pool's parent and children exist now).
    await captureJobSpecs();
    await api("GET", "/sandboxes/r5-missing");
    await api("GET", "/sandboxes", undefined, `${API_KEY}x`);
    await api("GET", "/sandboxes", undefined, null);
    await api("GET", "/pool");
    await api("GET", "/metrics");
    await api("DELETE", "/sandboxes/r5-srv");
    await server.stop();
    capture("server logs", server.output());

    // Backend API errors in this process, with the token configured.
    const backend = createNomadBackend({
      config: { address: nomad.address, token: TOKEN },
      env: {},
      driver: { driver: "raw_exec", allowUnisolated: true },
      onWarning: () => undefined,
    });
    const calls: (() => Promise<unknown>)[] = [
      () => backend.get("r5-none"),
      () => backend.exec("r5-none", { command: ["true"] }),
      () => backend.create({ name: "Bad Name" }),
      () => createNomadBackend({ config: { address: nomad.address, token: `${TOKEN}0` }, env: {} }).list(),
      () =>
        backend
          .create({ name: "r5-api" })
          .then(() => backend.start("r5-api"))
          .then(() => backend.exec("r5-api", { command: ["true"], env: { A: "1" } }))
          .then(collectExec),
    ];
    let errors = 0;
    for (const call of calls) {
      await call().catch((err: unknown) => {
        errors++;
        expect(AgentkernelError.isInstance(err), String(err)).toBe(true);
        capture("backend error", errorText(err));
      });
    }
    await backend.remove("r5-api");
    await backend.close?.();

    const argv = argvWatch.stop();
    const leaks = captured.filter((c) => SECRETS.some((s) => c.text.includes(s))).map((c) => c.where);
    report("R5 secrets", {
      capturedTexts: captured.length,
      capturedBytes: captured.reduce((n, c) => n + c.text.length, 0),
      backendErrors: errors,
      argvScans: argv.passes,
      leaks: leaks.length,
      argvHits: argv.hits.length,
    });
    expect(leaks).toEqual([]);
    // The argv scan can see: this very process's argv is found by the same scanner.
    expect(scanCmdlines([process.argv[1] ?? "node"]).length).toBeGreaterThan(0);
    expect(argv.hits).toEqual([]);
    // The scan must have seen real work: server logs and job specs were captured.
    expect(captured.some((c) => c.where === "server logs" && c.text.includes("request"))).toBe(true);
    expect(captured.some((c) => c.where.startsWith("job spec"))).toBe(true);
  });
});
