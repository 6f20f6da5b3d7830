// Pins the job JSON each security profile and driver produces (snapshots are committed).
import { SECURITY_PROFILES } from "@agentkernel/core";
import { describe, expect, it } from "vitest";
import { buildSandboxJob, type JobBuilderSettings, toNomadResources } from "./job-builder.js";
import { MANAGED_FILTER, metaToLabels } from "./job-meta.js";

const settings: JobBuilderSettings = {
  driver: { driver: "docker" },
  datacenters: ["dc1"],
  namespace: "agentkernel",
  region: "global",
  defaultImage: "alpine:3.20",
  defaultProfile: "moderate",
  mhzPerVcpu: 1000,
  defaultResources: { cpuMHz: 500, memoryMB: 256 },
  mainCommand: ["sleep", "infinity"],
  diskMB: 300,
};
const createdAt = new Date("2026-11-28T12:00:00.000Z");

describe("buildSandboxJob", () => {
  for (const profile of SECURITY_PROFILES) {
    it(`pins the docker job for profile ${profile}`, () => {
      const job = buildSandboxJob(
        { name: "box-1", profile, labels: { team: "ml" }, resources: { vcpus: 2, memoryMB: 512, memoryMaxMB: 1024 } },
        settings,
        { stop: true, createdAt },
      );
      expect(job).toMatchSnapshot();
    });
  }

  it("pins the exec and raw_exec jobs (group network none when network is off)", () => {
    const exec = buildSandboxJob(
      { name: "e", profile: "restrictive" },
      { ...settings, driver: { driver: "exec" } },
      {
        stop: false,
        createdAt,
      },
    );
    expect(exec.TaskGroups[0].Networks).toEqual([{ Mode: "none" }]);
    expect(exec).toMatchSnapshot();
    const raw = buildSandboxJob(
      { name: "r", network: true },
      { ...settings, driver: { driver: "raw_exec", allowUnisolated: true } },
      { stop: false, createdAt },
    );
    expect(raw.TaskGroups[0].Networks).toBeUndefined();
    expect(raw.TaskGroups[0].Tasks[0].Config).toEqual({ command: "sleep", args: ["infinity"] });
  });

  it("docker network off: task network_mode none by default, group mode none on request", () => {
    const task = buildSandboxJob({ name: "n" }, settings, { stop: true, createdAt });
    expect(task.TaskGroups[0].Tasks[0].Config.network_mode).toBe("none");
    expect(task.TaskGroups[0].Networks).toBeUndefined();
    const group = buildSandboxJob(
      { name: "n" },
      { ...settings, driver: { driver: "docker", networkIsolation: "group", runtime: "runsc" } },
      { stop: true, createdAt },
    );
    expect(group.TaskGroups[0].Tasks[0].Config.network_mode).toBeUndefined();
    expect(group.TaskGroups[0].Tasks[0].Config.runtime).toBe("runsc");
    expect(group.TaskGroups[0].Networks).toEqual([{ Mode: "none" }]);
  });

  it("never restarts or reschedules, and keeps managed meta on job and task", () => {
    const job = buildSandboxJob({ name: "x", labels: { a: "1" } }, settings, { stop: true, createdAt });
    const group = job.TaskGroups[0];
    expect(group.RestartPolicy.Attempts).toBe(0);
    expect(group.ReschedulePolicy).toMatchObject({ Attempts: 0, Unlimited: false });
    expect(group.Disconnect.Replace).toBe(false);
    expect(job.Type).toBe("batch");
    expect(job.Meta["agentkernel-managed"]).toBe("true");
    expect(group.Tasks[0].Meta["agentkernel-managed"]).toBe("true");
    expect(metaToLabels(job.Meta)).toEqual({ a: "1" });
    expect(MANAGED_FILTER).toBe('Meta["agentkernel-managed"] == "true"');
    expect(group.Tasks[0].Config.privileged).toBe(false);
  });

  it("converts resources: cpuMHz wins, vcpus × MHz, defaults otherwise", () => {
    expect(toNomadResources({ cpuMHz: 750 }, settings)).toEqual({ CPU: 750, MemoryMB: 256 });
    expect(toNomadResources({ vcpus: 0.5, memoryMB: 128 }, { ...settings, mhzPerVcpu: 2400 })).toEqual({
      CPU: 1200,
      MemoryMB: 128,
    });
    expect(toNomadResources(undefined, settings)).toEqual({ CPU: 500, MemoryMB: 256 });
  });
});
