// doctor (nomad and local) and config show/validate through the services, with ACLs on and a secret token in play.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator } from "@agentkernel/nomad-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { renderConfigShow, showConfig, validateConfig } from "./config.js";
import { renderChecks } from "./doctor-check.js";
import { runDoctor } from "./doctor.js";
import { tempHome, testContext } from "./test-context.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function home() {
  const h = tempHome();
  cleanups.push(h.cleanup);
  return h;
}

async function emulator(options: Parameters<typeof startEmulator>[0] = {}) {
  const nomad = await startEmulator({ port: 0, ...options });
  cleanups.push(() => nomad.stop());
  return nomad;
}

describe("doctor (nomad)", () => {
  it("passes on a healthy cluster with ACLs off", async () => {
    const nomad = await emulator();
    const { ctx } = await testContext(home(), "nomad", { NOMAD_ADDR: nomad.address });
    const result = await runDoctor(ctx);
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(["nomad reachable", "cluster leader", "token", "driver docker healthy"]),
    );
    expect(renderChecks(result.checks)).toMatch(/^✓ nomad reachable/);
  });

  it("fails the token check for a bad token, never printing it, and checks capabilities of a good one", async () => {
    const nomad = await emulator({ acl: { enabled: true } });
    const bad = "0b0e5f3a-1111-2222-3333-444455556666";
    const { ctx } = await testContext(home(), "nomad", { NOMAD_ADDR: nomad.address, NOMAD_TOKEN: bad });
    const failed = await runDoctor(ctx);
    expect(failed.ok).toBe(false);
    expect(failed.checks.find((c) => c.name === "token")).toMatchObject({ ok: false, fix: expect.stringMatching(/NOMAD_TOKEN/) });
    expect(JSON.stringify(failed) + renderChecks(failed.checks)).not.toContain(bad);

    const readOnly = nomad.createToken({ name: "ci-reader", policies: [{ namespace: "default", capabilities: ["list-jobs"] }] });
    const { ctx: ctx2 } = await testContext(home(), "nomad", { NOMAD_ADDR: nomad.address, NOMAD_TOKEN: readOnly.SecretID });
    const partial = await runDoctor(ctx2);
    const byName = Object.fromEntries(partial.checks.map((c) => [c.name, c]));
    expect(byName.token).toMatchObject({ ok: true, detail: expect.stringContaining("ci-reader") });
    expect(byName["capability list-jobs (default)"]?.ok).toBe(true);
    expect(byName["capability read-job (default)"]?.ok).toBe(false);
    expect(byName["driver docker healthy"]?.ok).toBe(null);
    expect(JSON.stringify(partial)).not.toContain(readOnly.SecretID);

    const { ctx: anonymous } = await testContext(home(), "nomad", { NOMAD_ADDR: nomad.address });
    const none = Object.fromEntries((await runDoctor(anonymous)).checks.map((c) => [c.name, c]));
    expect(none.token?.detail).toMatch(/anonymous policy/);
    expect(none["capability list-jobs (default)"]).toMatchObject({ ok: false, fix: expect.stringMatching(/^set NOMAD_TOKEN/) });
  });

  it("reports an unreachable address with the fix and stops there", async () => {
    const { ctx } = await testContext(home(), "nomad", { NOMAD_ADDR: "http://127.0.0.1:9" });
    const result = await runDoctor(ctx);
    expect(result.ok).toBe(false);
    expect(result.checks).toHaveLength(1);
    expect(result.checks[0]).toMatchObject({ name: "nomad reachable", ok: false, fix: expect.stringMatching(/NOMAD_ADDR/) });
  });

  it("fails the driver check when no node has the driver healthy", async () => {
    const nomad = await emulator({ nodes: [{ drivers: ["exec"], unhealthyDrivers: ["docker"] }] });
    const { ctx } = await testContext(home(), "nomad", { NOMAD_ADDR: nomad.address });
    const driver = (await runDoctor(ctx)).checks.find((c) => c.name === "driver docker healthy");
    expect(driver).toMatchObject({ ok: false, fix: expect.stringMatching(/enable the docker driver/) });
  });
});

describe("doctor (local)", () => {
  it("checks bwrap and the state dir", async () => {
    const { ctx } = await testContext(home(), "local");
    const result = await runDoctor(ctx);
    const names = result.checks.map((c) => c.name);
    expect(names).toContain("bwrap installed");
    expect(names).toContain("state dir writable");
    expect(result.checks.find((c) => c.name === "state dir writable")?.ok).toBe(true);
  });

  it("says how to install bwrap when it is missing", async () => {
    const { ctx } = await testContext(home(), "local", { PATH: "/nonexistent" });
    // The check spawns `bwrap` through PATH of this process; emulate a machine without it.
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const result = await runDoctor(ctx);
      expect(result.ok).toBe(false);
      expect(result.checks[0]).toMatchObject({
        name: "bwrap installed",
        ok: false,
        fix: expect.stringMatching(/apt-get install bubblewrap/),
      });
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe("config show / validate", () => {
  it("shows each value's source and redacts the token", async () => {
    const h = home();
    const secret = "9c1a2b3c-dead-beef-0000-123456789abc";
    writeFileSync(join(h.dir, "agentkernel.toml"), '[orchestrator]\nprovider = "nomad"\nnomad_driver = "exec"\n');
    const { ctx } = await testContext(h, "nomad", { NOMAD_ADDR: "http://10.1.2.3:4646", NOMAD_TOKEN: secret });
    const show = showConfig(ctx);
    expect(show.config).toMatchObject({ orchestrator: { nomad_token: "<redacted>", nomad_driver: "exec" } });
    expect(show.sources["orchestrator.nomad_token"]).toEqual({ source: "env", env: "NOMAD_TOKEN" });
    expect(show.sources["orchestrator.nomad_driver"]).toEqual({ source: "project-file", file: join(h.dir, "agentkernel.toml") });
    expect(show.sources["orchestrator.provider"]).toEqual({ source: "flag" });
    expect(show.sources["resources.vcpus"]).toEqual({ source: "default" });
    const text = renderConfigShow(show);
    expect(text).toMatch(/orchestrator\.nomad_token = "<redacted>"\s+# env NOMAD_TOKEN/);
    expect(text + JSON.stringify(show)).not.toContain(secret);
  });

  it("validate lists every error with file, dot path and fix", async () => {
    const h = home();
    const file = join(h.dir, "bad.toml");
    writeFileSync(file, '[orchestrator]\nprovider = "kubernetes"\nnomad_addr = "ftp://nomad"\n[sandbox]\nbase_img = "x"\n');
    const result = await validateConfig({ cwd: h.dir, configPath: file, env: h.env });
    expect(result.valid).toBe(false);
    const paths = result.errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["orchestrator.provider", "orchestrator.nomad_addr", "sandbox.base_img"]));
    for (const e of result.errors) {
      expect(e.file).toBe(file);
      expect(e.fix.length).toBeGreaterThan(0);
    }
    expect((await validateConfig({ cwd: h.dir, env: h.env })).valid).toBe(true);
  });
});
