/** loadConfig on real files: TOML and YAML, the seed's example, precedence across all five layers, and sources. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type LoadConfigOptions, type LoadResult, loadConfig, userConfigDir } from "./load.js";
import { useConfigDirs } from "./test-dirs.js";

const makeDirs = useConfigDirs();

function ok(result: LoadResult): Extract<LoadResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.errors)}`);
  return result;
}

async function load(options: LoadConfigOptions): Promise<Extract<LoadResult, { ok: true }>> {
  // An explicit env keeps the machine's NOMAD_* out of the tests.
  return ok(await loadConfig({ env: {}, ...options }));
}

describe("loadConfig", () => {
  it("gives the documented defaults with no files, env or flags", async () => {
    const d = await makeDirs();
    const r = await load({ cwd: d.project, userConfigDir: d.user });
    expect(r.files).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.config.orchestrator).toEqual({
      provider: "local",
      nomad_addr: "http://127.0.0.1:4646",
      nomad_driver: "docker",
      nomad_datacenter: "dc1",
      nomad_cpu_mhz_per_vcpu: 1000,
      warm_pool_size: 10,
      max_pool_size: 50,
      warm_pool_images: [],
    });
    expect(r.config.sandbox).toEqual({ base_image: "alpine:3.20" });
    expect(r.config.security).toEqual({ profile: "moderate" });
    expect(r.config.server).toEqual({ host: "127.0.0.1", port: 18888 });
    expect(r.config.local).toEqual({ isolation: "bwrap" });
    expect(r.config.files).toEqual([]);
    expect(new Set(Object.values(r.sources))).toEqual(new Set(["default"]));
  });

  it("loads the seed's example agentkernel.toml unchanged, warning about the seed-only keys", async () => {
    const d = await makeDirs();
    const seed = await readFile(join(import.meta.dirname, "__fixtures__", "seed-example.toml"), "utf8");
    const file = await d.write("project/agentkernel.toml", seed);
    const r = await load({ cwd: d.project, userConfigDir: d.user });
    expect(r.files).toEqual([file]);
    expect(r.config.orchestrator).toMatchObject({
      provider: "nomad",
      nomad_driver: "docker",
      warm_pool_size: 10,
      max_pool_size: 50,
    });
    expect(r.config.sandbox).toEqual({ name: "my-project", base_image: "python:3.12" });
    expect(r.config.resources).toEqual({ vcpus: 2, memory_mb: 1024 });
    expect(r.config.security).toEqual({ profile: "moderate", network: true, read_only: false });
    expect(r.warnings).toHaveLength(3);
    expect(r.warnings[0]).toContain(`${file}: security.mount_cwd is a seed (Rust agentkernel) key`);
    expect(r.sources["orchestrator.provider"]).toBe("project-file");
    expect(r.sources["orchestrator.nomad_cpu_mhz_per_vcpu"]).toBe("default");
  });

  it("reads YAML (.yaml and .yml) with the same keys, and resolves [[files]] sources against the file", async () => {
    const d = await makeDirs();
    const yaml = [
      "orchestrator:",
      "  provider: nomad",
      "  nomad_driver: exec",
      "  warm_pool_images: [alpine:3.20, python:3.12-alpine]",
      "files:",
      "  - source: ./setup.sh",
      "    dest: /opt/setup.sh",
      "  - source: /etc/hosts",
      "    dest: /etc/hosts.host",
      "",
    ].join("\n");
    await d.write("project/agentkernel.yaml", yaml);
    const r = await load({ cwd: d.project, userConfigDir: d.user });
    expect(r.config.orchestrator.nomad_driver).toBe("exec");
    expect(r.config.orchestrator.warm_pool_images).toEqual(["alpine:3.20", "python:3.12-alpine"]);
    expect(r.config.files).toEqual([
      { source: join(d.project, "setup.sh"), dest: "/opt/setup.sh" },
      { source: "/etc/hosts", dest: "/etc/hosts.host" },
    ]);
    expect(r.sources.files).toBe("project-file");

    const d2 = await makeDirs();
    await d2.write("user/config.yml", "server:\n  port: 9000\n");
    const r2 = await load({ cwd: d2.project, userConfigDir: d2.user });
    expect(r2.config.server.port).toBe(9000);
    expect(r2.sources["server.port"]).toBe("user-file");
  });

  it("applies flags > env > project file > user file > defaults, and reports each value's source", async () => {
    const d = await makeDirs();
    const userFile = await d.write(
      "user/config.toml",
      '[orchestrator]\nnomad_datacenter = "user-dc"\nnomad_region = "user-region"\nnomad_namespace = "user-ns"\nwarm_pool_size = 1\n',
    );
    const projectFile = await d.write(
      "project/agentkernel.toml",
      '[orchestrator]\nnomad_region = "project-region"\nnomad_namespace = "project-ns"\nwarm_pool_size = 2\n',
    );
    const r = await load({
      cwd: d.project,
      userConfigDir: d.user,
      env: { NOMAD_NAMESPACE: "env-ns", NOMAD_ADDR: "https://nomad.example:4646", NOMAD_REGION: "" },
      flags: { orchestrator: { nomad_namespace: "flag-ns", provider: undefined }, server: { port: 0 } },
    });
    expect(r.files).toEqual([userFile, projectFile]);
    expect(r.config.orchestrator).toMatchObject({
      nomad_datacenter: "user-dc",
      nomad_region: "project-region", // an empty env var counts as unset
      nomad_namespace: "flag-ns",
      nomad_addr: "https://nomad.example:4646",
      warm_pool_size: 2,
      provider: "local",
    });
    expect(r.config.server.port).toBe(0);
    expect(r.sources).toMatchObject({
      "orchestrator.nomad_datacenter": "user-file",
      "orchestrator.nomad_region": "project-file",
      "orchestrator.warm_pool_size": "project-file",
      "orchestrator.nomad_addr": "env",
      "orchestrator.nomad_namespace": "flag",
      "orchestrator.provider": "default",
      "server.port": "flag",
      "server.host": "default",
    });
  });

  it("maps every documented env var onto its key", async () => {
    const d = await makeDirs();
    const env = {
      NOMAD_ADDR: "unix:///var/run/nomad.sock",
      NOMAD_TOKEN: "s.env-token",
      NOMAD_NAMESPACE: "ns",
      NOMAD_REGION: "eu",
      AGENTKERNEL_PROVIDER: "nomad",
      AGENTKERNEL_API_KEY: "k-env",
      AGENTKERNEL_STATE_DIR: "/var/lib/agentkernel",
    };
    const r = await load({ cwd: d.project, userConfigDir: d.user, env });
    expect(r.config.orchestrator).toMatchObject({
      nomad_addr: env.NOMAD_ADDR,
      nomad_token: env.NOMAD_TOKEN,
      nomad_namespace: "ns",
      nomad_region: "eu",
      provider: "nomad",
    });
    expect(r.config.server.api_key).toBe("k-env");
    expect(r.config.local.state_dir).toBe("/var/lib/agentkernel");
    expect(r.warnings).toEqual([]); // secrets from env are the recommended way: no warning
    const r2 = await load({ cwd: d.project, userConfigDir: d.user, env: { AGENTKERNEL_API_KEY_FILE: "/run/secrets/key" } });
    expect(r2.config.server.api_key_file).toBe("/run/secrets/key");
    expect(r2.sources["server.api_key_file"]).toBe("env");
  });

  it("--config replaces the project file but keeps the user file", async () => {
    const d = await makeDirs();
    await d.write("user/agentkernel.toml", '[sandbox]\nbase_image = "user:1"\n[server]\nhost = "0.0.0.0"\n');
    await d.write("project/agentkernel.toml", "[server]\nport = 1111\n");
    const explicit = await d.write(
      "elsewhere/ci.yaml",
      "server:\n  port: 2222\nfiles:\n  - { source: data.bin, dest: /data.bin }\n",
    );
    const r = await load({ cwd: d.project, userConfigDir: d.user, configPath: "../elsewhere/ci.yaml" });
    expect(r.files).toEqual([join(d.user, "agentkernel.toml"), explicit]);
    expect(r.config.server).toMatchObject({ host: "0.0.0.0", port: 2222 });
    expect(r.config.sandbox.base_image).toBe("user:1");
    expect(r.config.files[0]?.source).toBe(join(d.root, "elsewhere", "data.bin"));
  });

  it("warns, naming the file and the env var, when a token or API key sits in a file", async () => {
    const d = await makeDirs();
    const file = await d.write(
      "project/agentkernel.toml",
      '[orchestrator]\nnomad_token = "s.secret"\n[server]\napi_key = "k1"\n',
    );
    const r = await load({ cwd: d.project, userConfigDir: d.user, env: { NOMAD_TOKEN: "s.from-env" } });
    expect(r.config.orchestrator.nomad_token).toBe("s.from-env");
    expect(r.warnings).toHaveLength(2);
    expect(r.warnings[0]).toMatch(new RegExp(`^${file}: orchestrator.nomad_token .*NOMAD_TOKEN`));
    expect(r.warnings[1]).toContain("AGENTKERNEL_API_KEY");
    expect(r.warnings.join("\n")).not.toContain("s.secret");
  });

  it("finds the user dir through XDG_CONFIG_HOME, else HOME/.config", async () => {
    const d = await makeDirs();
    await d.write("xdg/agentkernel/config.toml", '[local]\nisolation = "none"\n');
    expect(userConfigDir({ XDG_CONFIG_HOME: join(d.root, "xdg") })).toBe(join(d.root, "xdg", "agentkernel"));
    expect(userConfigDir({ XDG_CONFIG_HOME: "relative", HOME: d.root })).toBe(join(d.root, ".config", "agentkernel"));
    const r = ok(await loadConfig({ cwd: d.project, env: { XDG_CONFIG_HOME: join(d.root, "xdg") } }));
    expect(r.config.local.isolation).toBe("none");
    expect(r.sources["local.isolation"]).toBe("user-file");
  });
});
