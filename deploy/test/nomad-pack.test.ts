// deploy/nomad-pack rendered by Go's real text/template ([[ ]] delimiters, nomad-pack's var/meta), then parsed as HCL.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} here is Nomad's own runtime interpolation, kept literally.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { renderGoTemplates } from "./support/go-template.js";
import { type HclBody, block, blocks, parseHcl } from "./support/hcl.js";
import { expectHardenedServerJob, expectHealthCheckedService, serverJob } from "./support/job-shape.js";
import { PACK_DIR, packVariables, renderPack } from "./support/pack.js";

async function renderAndParse(overrides: Record<string, unknown> = {}) {
  const { job, outputs } = await renderPack(overrides);
  const doc = await parseHcl("agentkernel.nomad", job);
  const jobName = String(overrides.job_name ?? "agentkernel");
  return { doc, outputs, s: serverJob(doc, jobName) };
}

describe("nomad-pack rendering (Go text/template)", () => {
  it("is a real Go text/template: parse errors and missing helper templates fail", async () => {
    await expect(renderGoTemplates({ files: { "p/templates/x.tpl": "[[ if ]]" }, context: {} })).rejects.toThrow(
      /missing value for if/,
    );
    await expect(renderGoTemplates({ files: { "p/templates/x.tpl": '[[ template "nope" . ]]' }, context: {} })).rejects.toThrow(
      /template "nope" not defined/,
    );
    const out = await renderGoTemplates({
      files: {
        "p/templates/_h.tpl": '[[ define "n" ]]<[[ var "a.b" . ]]>[[ end ]]',
        "p/templates/j.tpl": '{{ x }} [[ template "n" . ]]',
      },
      context: { _self: { vars: { a: { b: 3 } }, meta: {} } },
    });
    expect(out).toEqual({ "p/templates/j.tpl": "{{ x }} <3>" });
  });

  it("uses a wasm built from the committed main.go (rebuild with build.sh after editing it)", async () => {
    const source = await readFile(new URL("./gotemplate/main.go", import.meta.url));
    const recorded = (await readFile(new URL("./gotemplate/main.go.sha256", import.meta.url), "utf8")).trim();
    expect(createHash("sha256").update(source).digest("hex")).toBe(recorded);
  });

  it("defaults: 2 replicas, nomad service on /health, workload identity over the Task API socket", async () => {
    const { s, outputs } = await renderAndParse();
    expectHardenedServerJob(s);
    expectHealthCheckedService(s, "nomad");
    expect(s.job.namespace).toBe("agentkernel");
    expect(s.job.datacenters).toEqual(["*"]);
    expect(s.job).not.toHaveProperty("region");
    expect(s.group.count).toBe(2);
    expect(s.config.image).toBe("ghcr.io/agentkernel/agentkernel:0.1.0");
    expect(s.config.args).toEqual(["serve", "--host", "0.0.0.0", "--port", "18888", "--backend", "nomad"]);
    expect(block(block(s.group, "network"), "port", "http").to).toBe(18888);
    expect(block(s.task, "identity").env).toBe(true);
    expect(s.env.NOMAD_ADDR).toBe("unix://${NOMAD_SECRETS_DIR}/api.sock");
    expect(block(s.task, "resources")).toEqual({ cpu: 500, memory: 512 });
    const config = s.templates.find((t) => t.destination === "local/agentkernel.toml");
    expect(config?.data).toContain("warm_pool_size = 10\nmax_pool_size = 50\n");
    expect(outputs).toContain("job agentkernel (2 replicas)");
  });

  it("the seed's `--var backend=nomad --var count=2`, and count=5 are honoured", async () => {
    expect((await renderAndParse({ backend: "nomad", count: 2 })).s.group.count).toBe(2);
    const five = await renderAndParse({ count: 5 });
    expect(five.s.group.count).toBe(5);
    expect(five.outputs).toContain("(5 replicas)");
  });

  it("register_service=consul registers in Consul with the same /health check; none registers nothing", async () => {
    const consul = await renderAndParse({ register_service: "consul" });
    expectHardenedServerJob(consul.s);
    expectHealthCheckedService(consul.s, "consul");
    const none = await renderAndParse({ register_service: "none" });
    expectHardenedServerJob(none.s);
    expect(blocks(none.s.group, "service")).toEqual([]);
    expect(none.outputs).toContain("No service is registered");
  });

  it("token_source=variable: NOMAD_TOKEN comes from the Nomad Variable through an env template, no identity env", async () => {
    const { s } = await renderAndParse({ token_source: "variable" });
    expectHardenedServerJob(s);
    expect(blocks(s.task, "identity")).toEqual([]);
    const env = s.templates.find((t) => t.destination === "secrets/nomad.env");
    expect(env?.env).toBe(true);
    expect(env?.data).toContain('{{- with nomadVar "nomad/jobs/agentkernel" }}NOMAD_TOKEN={{ .nomad_token }}{{ end }}');
  });

  it("token_source=vault: a vault role, NOMAD_TOKEN and the API key from the Vault secret", async () => {
    const { s, outputs } = await renderAndParse({ token_source: "vault", vault_secret_path: "kv/data/ak" });
    expectHardenedServerJob(s);
    expect(block(s.task, "vault").role).toBe("agentkernel");
    expect(blocks(s.task, "identity")).toEqual([]);
    const env = s.templates.find((t) => t.destination === "secrets/nomad.env");
    expect(env?.data).toContain('with secret "kv/data/ak" }}NOMAD_TOKEN={{ .Data.data.nomad_token }}');
    const key = s.templates.find((t) => t.destination === "secrets/api_key");
    expect(key?.data).toContain('with secret "kv/data/ak"');
    expect(outputs).toContain("API key: Vault kv/data/ak");
  });

  it("token_source=workload_identity with an explicit nomad_addr, region, job name and port", async () => {
    const { s } = await renderAndParse({
      job_name: "ak-prod",
      region: "eu",
      nomad_addr: "https://nomad.service.consul:4646",
      http_port: 8080,
      datacenters: ["dc1", "dc2"],
      resources: { cpu: 1000, memory: 1024 },
      api_key_variable: "nomad/jobs/ak-prod",
    });
    expectHardenedServerJob(s);
    expect(s.job.region).toBe("eu");
    expect(s.job.datacenters).toEqual(["dc1", "dc2"]);
    expect(s.env.NOMAD_ADDR).toBe("https://nomad.service.consul:4646");
    expect(s.config.args).toEqual(["serve", "--host", "0.0.0.0", "--port", "8080", "--backend", "nomad"]);
    expect(block(block(s.group, "network"), "port", "http").to).toBe(8080);
    expect(block(s.task, "resources")).toEqual({ cpu: 1000, memory: 1024 });
    expect(s.templates.find((t) => t.destination === "secrets/api_key")?.data).toContain('"nomad/jobs/ak-prod"');
  });

  it("a mistyped token_source or register_service renders an argument Nomad's job parser refuses", async () => {
    const bad = await renderAndParse({ token_source: "wi", register_service: "consol" });
    expect(bad.s.task.invalid_token_source).toBe("wi is not one of workload_identity, variable, vault");
    expect(bad.s.group.invalid_register_service).toBe("consol is not one of nomad, consul, none");
    const good = await renderAndParse();
    expect(good.s.task).not.toHaveProperty("invalid_token_source");
    expect(good.s.group).not.toHaveProperty("invalid_register_service");
  });

  it("rejects an override of a variable the pack does not declare", async () => {
    await expect(renderPack({ replicas: 3 })).rejects.toThrow(/no such variable/);
  });

  it("README lists every variable with its default", async () => {
    const readme = await readFile(`${PACK_DIR}README.md`, "utf8");
    const vars = await packVariables();
    expect(vars.map((v) => v.name)).toEqual(
      expect.arrayContaining(["job_name", "datacenters", "region", "namespace", "image", "image_tag", "count", "http_port"]),
    );
    expect(vars.map((v) => v.name)).toEqual(
      expect.arrayContaining(["backend", "nomad_addr", "warm_pool_size", "max_pool_size", "resources", "register_service"]),
    );
    expect(vars.map((v) => v.name)).toEqual(expect.arrayContaining(["token_source", "api_key_variable"]));
    for (const v of vars) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${v.name}\` |`));
      expect(row, `README row for ${v.name}`).toBeDefined();
      expect(row).toContain(`\`${JSON.stringify(v.default)}\``);
      expect(v.description.length).toBeGreaterThan(10);
    }
  });

  it("metadata.hcl names the pack", async () => {
    const meta: HclBody = await parseHcl("metadata.hcl", await readFile(`${PACK_DIR}metadata.hcl`, "utf8"));
    expect(block(meta, "pack").name).toBe("agentkernel");
  });
});
