// Shared checks on a parsed agentkernel job (the plain job file and every rendered pack variant).
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} here is Nomad's own runtime interpolation, kept literally.
import { expect } from "vitest";
import { type HclBody, block, blocks, keyNames, stringLeaves } from "./hcl.js";
import { secretLookingLeaves } from "./secrets.js";

/** The pieces of the job the tests look at. */
export interface ServerJob {
  job: HclBody;
  group: HclBody;
  task: HclBody;
  config: HclBody;
  env: Record<string, unknown>;
  templates: HclBody[];
}

/** Picks the single job / group "api" / task "server" out of a parsed file. */
export function serverJob(doc: HclBody, jobName = "agentkernel"): ServerJob {
  const job = block(doc, "job", jobName);
  const group = block(job, "group", "api");
  const task = block(group, "task", "server");
  return {
    job,
    group,
    task,
    config: block(task, "config"),
    env: block(task, "env"),
    templates: blocks(task, "template"),
  };
}

/** Asserts what every variant must hold: docker, serve args, /health check wiring, no secrets, API key from a file. */
export function expectHardenedServerJob(s: ServerJob): void {
  expect(s.job.type).toBe("service");
  expect(s.task.driver).toBe("docker");
  const args = s.config.args as string[];
  expect(args.slice(0, 1)).toEqual(["serve"]);
  expect(args[args.indexOf("--host") + 1]).toBe("0.0.0.0");
  expect(args[args.indexOf("--backend") + 1]).toBe("nomad");
  expect(args).toContain("--port");
  expect(s.config.ports).toEqual(["http"]);
  expect(s.config.cap_drop).toEqual(["all"]);
  // No Nomad or Vault token may be set in the spec: it is injected at run time or rendered into secrets/.
  const allKeys = keyNames(s.job);
  expect(allKeys).not.toContain("NOMAD_TOKEN");
  expect(allKeys).not.toContain("VAULT_TOKEN");
  expect(allKeys).not.toContain("AGENTKERNEL_API_KEY");
  expect(secretLookingLeaves(stringLeaves(s.job))).toEqual([]);
  // The API key reaches the server only as a file in the task's secrets dir.
  expect(s.env.AGENTKERNEL_API_KEY_FILE).toBe("${NOMAD_SECRETS_DIR}/api_key");
  const keyTemplate = s.templates.find((t) => t.destination === "secrets/api_key");
  expect(keyTemplate, "a template renders secrets/api_key").toBeDefined();
  expect(String(keyTemplate?.data)).toMatch(/\{\{-? with (nomadVar|secret) "[^"]+" -?\}\}\{\{ \.(Data\.data\.)?api_key \}\}/);
  const resources = block(s.task, "resources");
  expect(resources.cpu).toBeDefined();
  expect(resources.memory).toBeDefined();
  expect(block(s.job, "update").auto_revert).toBe(true);
  expect(block(s.group, "restart").mode).toBe("delay");
}

/** Asserts the registered service and its HTTP /health check every 10 s. */
export function expectHealthCheckedService(s: ServerJob, provider: string): void {
  const service = block(s.group, "service");
  expect(service.provider).toBe(provider);
  expect(service.port).toBe("http");
  const check = block(service, "check");
  expect(check).toMatchObject({ type: "http", path: "/health", interval: "10s" });
}
