// The least-privilege ACL policy parses and names only real Nomad capabilities (REFERENCE.md §8).
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { type HclBody, block, blocks, parseHcl } from "./support/hcl.js";

// Namespace capabilities of Nomad 1.x, from /work/shared/nomad-api/REFERENCE.md §8 (csi-*/host-volume-* spelled out).
const NOMAD_NAMESPACE_CAPABILITIES = new Set([
  "deny",
  "list-jobs",
  "parse-job",
  "read-job",
  "submit-job",
  "dispatch-job",
  "read-logs",
  "read-fs",
  "alloc-exec",
  "alloc-node-exec",
  "alloc-lifecycle",
  "sentinel-override",
  "csi-register-plugin",
  "csi-write-volume",
  "csi-read-volume",
  "csi-list-volume",
  "csi-mount-volume",
  "host-volume-create",
  "host-volume-register",
  "host-volume-read",
  "host-volume-write",
  "host-volume-delete",
  "list-scaling-policies",
  "read-scaling-policy",
  "read-job-scaling",
  "scale-job",
  "submit-recommendation",
]);
const NOMAD_VARIABLE_CAPABILITIES = new Set(["read", "list", "write", "destroy", "deny"]);
const NOMAD_COARSE_POLICIES = new Set(["deny", "read", "write"]);
// What the server calls (REFERENCE §8 "Endpoint needs"): no more, no less.
const REQUIRED = ["list-jobs", "read-job", "submit-job", "dispatch-job", "alloc-exec", "read-fs", "read-logs"];

describe("deploy/nomad/agentkernel-acl.policy.hcl", () => {
  let policy: HclBody;
  let namespace: HclBody;
  beforeAll(async () => {
    const text = await readFile(new URL("../nomad/agentkernel-acl.policy.hcl", import.meta.url), "utf8");
    policy = await parseHcl("agentkernel-acl.policy.hcl", text);
    namespace = block(policy, "namespace", "agentkernel");
  });

  it("grants exactly the namespace capabilities the server uses, all of them real", () => {
    const caps = namespace.capabilities as string[];
    for (const cap of caps) expect(NOMAD_NAMESPACE_CAPABILITIES.has(cap), `${cap} is a Nomad capability`).toBe(true);
    expect([...caps].sort()).toEqual([...REQUIRED].sort());
    expect(namespace).not.toHaveProperty("policy");
  });

  it("never grants host-level exec or alloc lifecycle", () => {
    expect(namespace.capabilities).not.toContain("alloc-node-exec");
    expect(namespace.capabilities).not.toContain("alloc-lifecycle");
  });

  it("scopes variables to agentkernel/* with real variable capabilities", () => {
    const paths = block(namespace, "variables").path as Record<string, HclBody[]>;
    expect(Object.keys(paths)).toEqual(["agentkernel/*"]);
    const caps = block(block(namespace, "variables"), "path", "agentkernel/*").capabilities as string[];
    for (const cap of caps) expect(NOMAD_VARIABLE_CAPABILITIES.has(cap), `${cap} is a variable capability`).toBe(true);
    expect(caps).toEqual(["read", "list", "write", "destroy"]);
  });

  it("adds only read access to nodes and the agent (for doctor), and nothing else", () => {
    expect(Object.keys(policy).sort()).toEqual(["agent", "namespace", "node"]);
    for (const kind of ["node", "agent"]) {
      const p = block(policy, kind).policy as string;
      expect(NOMAD_COARSE_POLICIES.has(p)).toBe(true);
      expect(p).toBe("read");
    }
    expect(blocks(policy, "operator")).toEqual([]);
  });

  it("names the namespace the job file deploys to, and the README shows how to apply and bind it", async () => {
    const job = await parseHcl("job.hcl", await readFile(new URL("../nomad/agentkernel.nomad.hcl", import.meta.url), "utf8"));
    expect(block(job, "variable", "namespace").default).toBe("agentkernel");
    // Shell continuation lines joined, so a command split over lines still reads as one.
    const readme = (await readFile(new URL("../nomad/README.md", import.meta.url), "utf8")).replace(/\\\n\s*/g, " ");
    expect(readme).toContain("nomad acl policy apply");
    expect(readme).toMatch(/nomad acl policy apply[^\n]*-job agentkernel/);
    expect(readme).toContain("nomad acl token create");
    expect(readme).toContain("agentkernel-acl.policy.hcl");
  });
});
