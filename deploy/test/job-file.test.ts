// The plain job file deploy/nomad/agentkernel.nomad.hcl, parsed by HashiCorp's HCL parser.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} here is Nomad's own runtime interpolation, kept literally.
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { type HclBody, block, parseHcl } from "./support/hcl.js";
import { type ServerJob, expectHardenedServerJob, expectHealthCheckedService, serverJob } from "./support/job-shape.js";

const JOB_FILE = new URL("../nomad/agentkernel.nomad.hcl", import.meta.url);

describe("deploy/nomad/agentkernel.nomad.hcl", () => {
  let doc: HclBody;
  let job: ServerJob;
  const variable = (name: string) => block(doc, "variable", name);

  beforeAll(async () => {
    doc = await parseHcl("agentkernel.nomad.hcl", await readFile(JOB_FILE, "utf8"));
    job = serverJob(doc);
  });

  it("is a hardened docker service job with the serve args and the API key from a file", () => {
    expectHardenedServerJob(job);
    expect(job.config.args).toEqual(["serve", "--host", "0.0.0.0", "--port", "18888", "--backend", "nomad"]);
  });

  it("runs the versioned image from a variable, never latest", () => {
    expect(job.config.image).toBe("${var.image}:${var.version}");
    expect(variable("image").default).toBe("ghcr.io/agentkernel/agentkernel");
    expect(variable("version").default).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("maps port 18888 and registers a nomad service (consul optional) checked on /health every 10 s", () => {
    expect(block(block(job.group, "network"), "port", "http").to).toBe(18888);
    const service = block(job.group, "service");
    expect(service.provider).toBe("${var.service_provider}");
    expect(variable("service_provider").default).toBe("nomad");
    expect(String(block(variable("service_provider"), "validation").condition)).toContain('"consul"');
    expectHealthCheckedService(job, "${var.service_provider}");
  });

  it("honours count from a variable that defaults to 2 replicas and rejects 0", () => {
    expect(job.group.count).toBe("${var.count}");
    expect(variable("count").default).toBe(2);
    expect(block(variable("count"), "validation").condition).toBe("${var.count >= 1}");
  });

  it("gets Nomad access from workload identity over the Task API socket", () => {
    expect(block(job.task, "identity").env).toBe(true);
    expect(job.env.NOMAD_ADDR).toBe("unix://${NOMAD_SECRETS_DIR}/api.sock");
    expect(job.env.NOMAD_NAMESPACE).toBe("${var.namespace}");
    expect(doc.variable).not.toHaveProperty("nomad_token");
  });

  it("reads the API key from the job's own Nomad Variable", () => {
    const key = job.templates.find((t) => t.destination === "secrets/api_key");
    expect(key?.data).toContain('nomadVar "nomad/jobs/agentkernel"');
  });

  it("writes the pool sizes into the config file the CLI finds in its working directory", () => {
    expect(job.config.work_dir).toBe("/local");
    const config = job.templates.find((t) => t.destination === "local/agentkernel.toml");
    expect(config?.data).toContain("warm_pool_size = ${var.warm_pool_size}");
    expect(config?.data).toContain("max_pool_size = ${var.max_pool_size}");
    expect(config?.data).not.toMatch(/token/i);
    expect(variable("warm_pool_size").default).toBe(10);
    expect(variable("max_pool_size").default).toBe(50);
  });
});
