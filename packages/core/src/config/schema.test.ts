/** The schema's published faces: the committed JSON Schema stays in sync, and the README documents every key and env var. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allKeyPaths, suggestKey } from "./keys.js";
import { CONFIG_ENV_VARS } from "./layers.js";
import { configJsonSchema, configSchema } from "./schema.js";

const packageDir = join(import.meta.dirname, "..", "..");

describe("config schema", () => {
  it("matches the committed config.schema.json (regenerate: pnpm --filter @agentkernel/core gen:schema)", async () => {
    await expect(`${JSON.stringify(configJsonSchema(), null, 2)}\n`).toMatchFileSnapshot(join(packageDir, "config.schema.json"));
  });

  it("gives every key a description, so the JSON Schema doubles as editor help", () => {
    const schema = configJsonSchema() as {
      properties: Record<string, { properties?: Record<string, { description?: string }> }>;
    };
    const undocumented = allKeyPaths().filter((path) => {
      const [section = "", key] = path.split(".");
      const node = key ? schema.properties[section]?.properties?.[key] : schema.properties[section];
      return !(node as { description?: string } | undefined)?.description;
    });
    expect(undocumented).toEqual([]);
  });

  it("is documented key by key and env var by env var in the package README", async () => {
    const readme = await readFile(join(packageDir, "README.md"), "utf8");
    const documented = (key: string) => readme.includes(`\`${key}\``) || readme.includes(`[[${key}]]`);
    const missingKeys = allKeyPaths().filter((path) => !documented(path.split(".").at(-1) ?? path));
    const missingEnv = Object.keys(CONFIG_ENV_VARS).filter((name) => !readme.includes(`\`${name}\``));
    expect({ missingKeys, missingEnv }).toEqual({ missingKeys: [], missingEnv: [] });
  });

  it("env vars point at keys that exist", () => {
    expect(Object.values(CONFIG_ENV_VARS).filter((p) => !allKeyPaths().includes(p))).toEqual([]);
  });

  it("parses an empty file to the defaults", () => {
    const config = configSchema.parse({});
    expect(config.orchestrator.max_pool_size).toBe(50);
    expect(config.resources).toEqual({ vcpus: 1, memory_mb: 512 });
  });

  it("suggests keys by edit distance, abbreviation or section", () => {
    expect(suggestKey(["orchestrator"], "nomad-addr")).toBe('did you mean "nomad_addr"?');
    expect(suggestKey(["orchestrator"], "addr")).toBe('did you mean "nomad_addr"?');
    expect(suggestKey(["server"], "isolation")).toBe('did you mean "local.isolation"? (move it under [local])');
    expect(suggestKey(["security"], "zzzzzzzz")).toBe("remove it; valid keys here: profile, network, read_only");
  });
});
