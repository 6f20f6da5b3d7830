/** Every loadConfig error path on real files: each error names the file, the dot path and a fix. */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { type ConfigError, formatConfigError } from "./config-error.js";
import { type LoadConfigOptions, loadConfig, loadConfigOrThrow } from "./load.js";
import { useConfigDirs } from "./test-dirs.js";

const makeDirs = useConfigDirs();

async function errorsOf(options: LoadConfigOptions): Promise<ConfigError[]> {
  const result = await loadConfig({ env: {}, ...options });
  if (result.ok) throw new Error(`expected errors, got config ${JSON.stringify(result.config)}`);
  return result.errors;
}

async function projectErrors(name: string, text: string, extra: LoadConfigOptions = {}) {
  const d = await makeDirs();
  const file = await d.write(`project/${name}`, text);
  return { file, errors: await errorsOf({ cwd: d.project, userConfigDir: d.user, ...extra }) };
}

describe("loadConfig errors", () => {
  it("bad type: names the file, the key and the expected type", async () => {
    const { file, errors } = await projectErrors("agentkernel.toml", '[orchestrator]\nwarm_pool_size = "ten"\n');
    expect(errors).toEqual([
      { file, path: "orchestrator.warm_pool_size", message: "expected number, received string", fix: "give a number value" },
    ]);
  });

  it("bad enum value lists the allowed values", async () => {
    const { errors } = await projectErrors("agentkernel.yaml", "orchestrator:\n  nomad_driver: podman\n");
    expect(errors[0]?.path).toBe("orchestrator.nomad_driver");
    expect(errors[0]?.fix).toBe('use one of: "docker", "exec", "raw_exec"');
  });

  it("out of range values say the bound", async () => {
    const { errors } = await projectErrors("agentkernel.toml", "[server]\nport = 70000\n[resources]\nmemory_mb = 8\n");
    expect(errors.map((e) => [e.path, e.fix])).toEqual([
      ["resources.memory_mb", "use a value ≥ 16"],
      ["server.port", "use a value ≤ 65535"],
    ]);
  });

  it("unknown keys are errors that suggest the closest known key, in any section", async () => {
    const toml = '[orchestrator]\nwarm_pool_sise = 3\nbase_image = "x"\n[orchestrater]\n[[files]]\nsrc = "a"\ndest = "/a"\n';
    const { file, errors } = await projectErrors("agentkernel.toml", toml);
    const byPath = Object.fromEntries(errors.map((e) => [e.path, e]));
    expect(byPath["orchestrator.warm_pool_sise"]).toEqual({
      file,
      path: "orchestrator.warm_pool_sise",
      message: "unknown key",
      fix: 'did you mean "warm_pool_size"?',
    });
    expect(byPath["orchestrator.base_image"]?.fix).toBe('did you mean "sandbox.base_image"? (move it under [sandbox])');
    expect(byPath.orchestrater?.fix).toBe('did you mean "orchestrator"?');
    expect(byPath["files[0].src"]?.fix).toBe('did you mean "source"?');
    expect(byPath["files[0].source"]?.message).toBe("is required");
  });

  it("warm_pool_size above max_pool_size is reported in the seed's words, blaming the file that set it", async () => {
    const { file, errors } = await projectErrors("agentkernel.toml", "[orchestrator]\nwarm_pool_size = 60\n");
    expect(errors).toHaveLength(1);
    expect(formatConfigError(errors[0] as ConfigError)).toBe(
      `${file}: orchestrator.warm_pool_size: must be ≤ max_pool_size (50) (fix: set warm_pool_size to 50 or less, or raise max_pool_size)`,
    );
    // The default warm size (10) against a lowered max: the file that lowered max is named.
    const lowered = await projectErrors("agentkernel.yml", "orchestrator:\n  max_pool_size: 5\n");
    expect(lowered.errors[0]).toMatchObject({ file: lowered.file, path: "orchestrator.warm_pool_size" });
  });

  it("values from env and flags are blamed on them", async () => {
    const d = await makeDirs();
    const errors = await errorsOf({
      cwd: d.project,
      userConfigDir: d.user,
      env: { AGENTKERNEL_PROVIDER: "docker", NOMAD_ADDR: "nomad:4646" },
      flags: { server: { port: -1 } },
    });
    expect(errors.map((e) => [e.file, e.path, e.message])).toEqual([
      [undefined, "orchestrator.provider", expect.stringContaining("(from env AGENTKERNEL_PROVIDER)")],
      [undefined, "orchestrator.nomad_addr", "must be an http://, https:// or unix:/// address (from env NOMAD_ADDR)"],
      [undefined, "server.port", expect.stringContaining("(from a command-line flag)")],
    ]);
  });

  it("both agentkernel.toml and agentkernel.yaml in one dir: asks to keep one", async () => {
    const d = await makeDirs();
    await d.write("project/agentkernel.toml", "");
    await d.write("project/agentkernel.yaml", "");
    const errors = await errorsOf({ cwd: d.project, userConfigDir: d.user });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe(`found 2 config files in ${d.project}`);
    expect(errors[0]?.file).toBe(`${join(d.project, "agentkernel.toml")} and ${join(d.project, "agentkernel.yaml")}`);
    expect(errors[0]?.fix).toMatch(/keep one/);
  });

  it("malformed TOML and YAML name the file and the line", async () => {
    const toml = await projectErrors("agentkernel.toml", '[orchestrator]\nprovider = "nomad"\nwarm_pool_size = = 3\n');
    expect(toml.errors).toEqual([
      {
        file: toml.file,
        line: 3,
        column: 18,
        path: "",
        message: "invalid TOML: invalid value",
        fix: "fix the syntax at that line",
      },
    ]);
    expect(formatConfigError(toml.errors[0] as ConfigError)).toBe(
      `${toml.file}:3:18: invalid TOML: invalid value (fix: fix the syntax at that line)`,
    );
    const yaml = await projectErrors("agentkernel.yaml", "server:\n  port: 1\n  port: 2\n");
    expect(yaml.errors[0]).toMatchObject({ file: yaml.file, line: 3, message: "invalid YAML: Map keys must be unique" });
    const list = await projectErrors("agentkernel.yaml", "- just\n- a list\n");
    expect(list.errors[0]?.message).toBe("the top level is not a table of sections");
    // Parse errors quote no source text, so a broken line holding a token is not echoed to the terminal.
    const leaky = await projectErrors("agentkernel.toml", '[orchestrator]\nnomad_token = "s.secret-value\n');
    expect(leaky.errors[0]?.line).toBe(2);
    const leakyYaml = await projectErrors("agentkernel.yaml", 'orchestrator:\n  nomad_token: "s.secret-value\n');
    expect(leakyYaml.errors[0]?.file).toBe(leakyYaml.file);
    expect(JSON.stringify([leaky.errors, leakyYaml.errors])).not.toContain("secret-value");
  });

  it("an unreadable config file is an error naming it", async () => {
    const d = await makeDirs();
    // Tests may run as root, where chmod 000 does not stop a read; a directory in the file's place always fails.
    await mkdir(join(d.user, "config.toml"));
    const errors = await errorsOf({ cwd: d.project, userConfigDir: d.user });
    expect(errors).toEqual([
      {
        file: join(d.user, "config.toml"),
        path: "",
        message: "cannot read the file (EISDIR)",
        fix: "make it a readable regular file",
      },
    ]);
  });

  it("a missing --config path is an error, not a silent fallback to the project file", async () => {
    const d = await makeDirs();
    await d.write("project/agentkernel.toml", "");
    const errors = await errorsOf({ cwd: d.project, userConfigDir: d.user, configPath: "nope.toml" });
    expect(errors).toEqual([
      {
        file: join(d.project, "nope.toml"),
        path: "",
        message: "the config file does not exist",
        fix: "check the path given to --config",
      },
    ]);
    const ext = await d.write("project/config.json", "{}");
    const extErrors = await errorsOf({ cwd: d.project, userConfigDir: d.user, configPath: ext });
    expect(extErrors[0]?.fix).toBe("name the file *.toml, *.yaml or *.yml");
  });

  it("api_key and api_key_file together are refused; sandbox names follow the core rule", async () => {
    const d = await makeDirs();
    await d.write("project/agentkernel.toml", '[server]\napi_key_file = "/k"\n[sandbox]\nname = "My_Project"\n');
    const errors = await errorsOf({ cwd: d.project, userConfigDir: d.user, env: { AGENTKERNEL_API_KEY: "k" } });
    expect(errors.map((e) => e.path)).toEqual(["sandbox.name", "server.api_key_file"]);
    expect(errors[0]?.message).toMatch(/^must be /);
    expect(errors[1]?.fix).toMatch(/^keep one/);
  });

  it("loadConfigOrThrow throws an InvalidInputError listing every problem", async () => {
    const d = await makeDirs();
    const file = await d.write("project/agentkernel.toml", "[orchestrator]\nwarm_pool_size = 99\n[server]\nport = true\n");
    const error = await loadConfigOrThrow({ cwd: d.project, userConfigDir: d.user, env: {} }).catch((e: unknown) => e);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    const lines = (error as Error).message.split("\n");
    expect(lines).toEqual([
      "invalid agentkernel config:",
      `${file}: orchestrator.warm_pool_size: must be ≤ max_pool_size (50) (fix: set warm_pool_size to 50 or less, or raise max_pool_size)`,
      `${file}: server.port: expected number, received boolean (fix: give a number value)`,
    ]);
  });
});
