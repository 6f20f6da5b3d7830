// The agentkernel.toml and env the job hands the server are accepted by the real config loader (@agentkernel/core).
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} here is Nomad's own runtime interpolation, kept literally.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@agentkernel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HclBody, block, parseHcl } from "./support/hcl.js";
import { type ServerJob, serverJob } from "./support/job-shape.js";
import { renderPack } from "./support/pack.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "agentkernel-deploy-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Loads the config as the container would see it: /local as cwd, the task env with Nomad's docker paths filled in. */
async function loadAsTask(s: ServerJob, interpolate: (text: string) => string) {
  const dir = await mkdtemp(join(root, "task-"));
  const template = s.templates.find((t) => t.destination === "local/agentkernel.toml");
  await writeFile(join(dir, "agentkernel.toml"), interpolate(String(template?.data)));
  const env = Object.fromEntries(
    Object.entries(s.env).map(([k, v]) => [k, interpolate(String(v)).replaceAll("${NOMAD_SECRETS_DIR}", "/secrets")]),
  );
  await mkdir(join(dir, "user"));
  return loadConfig({ cwd: dir, env, userConfigDir: join(dir, "user"), flags: { orchestrator: { provider: "nomad" } } });
}

describe("config handed to the server", () => {
  it("job file: the rendered agentkernel.toml and env load as a nomad config on the Task API socket", async () => {
    const doc = await parseHcl(
      "agentkernel.nomad.hcl",
      await readFile(new URL("../nomad/agentkernel.nomad.hcl", import.meta.url), "utf8"),
    );
    // HCL2 variables in the job file take their defaults, as `nomad job run` without -var would.
    const interpolate = (text: string) =>
      text.replace(/\$\{var\.(\w+)\}/g, (_, name: string) => String(block(doc, "variable", name).default));
    const result = await loadAsTask(serverJob(doc), interpolate);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.orchestrator).toMatchObject({
      provider: "nomad",
      nomad_addr: "unix:///secrets/api.sock",
      nomad_namespace: "agentkernel",
      nomad_datacenter: "dc1",
      warm_pool_size: 10,
      max_pool_size: 50,
    });
    expect(result.config.server).toMatchObject({ host: "0.0.0.0", port: 18888, api_key_file: "/secrets/api_key" });
  });

  it("pack: pool sizes and port reach the config; a warm pool larger than max_pool_size is refused by the loader", async () => {
    const ok = await loadAsTask(serverJob(await parsed({ warm_pool_size: 4, max_pool_size: 8, http_port: 9000 })), (t) => t);
    if (!ok.ok) throw new Error(JSON.stringify(ok.errors));
    expect(ok.config.orchestrator).toMatchObject({ warm_pool_size: 4, max_pool_size: 8 });
    expect(ok.config.server.port).toBe(9000);
    const bad = await loadAsTask(serverJob(await parsed({ warm_pool_size: 60 })), (t) => t);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.path)).toContain("orchestrator.warm_pool_size");
  });
});

async function parsed(overrides: Record<string, unknown>): Promise<HclBody> {
  return parseHcl("agentkernel.nomad", (await renderPack(overrides)).job);
}
