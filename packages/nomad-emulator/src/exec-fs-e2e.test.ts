// End to end through startEmulator: register a sandbox job, exec into its alloc, read its files and logs, stop, no leftovers.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type Emulator, startEmulator } from "./index.js";

const job = JSON.parse(
  readFileSync(new URL("../fixtures/nomad-api-examples/job-register-request-docker-sandbox.json", import.meta.url), "utf8"),
) as { Job: Record<string, unknown> & { TaskGroups: Array<{ Tasks: Array<{ Config: Record<string, unknown> }> }> } };

let nomad: Emulator;
let token: string;
let allocId = "";
const ns = "agentkernel";

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${nomad.address}${path}`, { ...init, headers: { "X-Nomad-Token": token, ...(init.headers ?? {}) } });
}

// Unique sleep durations, so processes of tests running elsewhere on the machine are never counted.
const mainSleep = `300.${process.pid}1`;
const execSleep = `300.${process.pid}2`;

/** Live host processes running one of this file's sleeps. */
function sleepers(): number[] {
  return execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.includes(`sleep ${mainSleep}`) || l.includes(`sleep ${execSleep}`))
    .filter((l) => !l.includes("bwrap"))
    .map((l) => Number(l.trim().split(/\s+/)[0]))
    .filter(alive);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  nomad = await startEmulator({ port: 0, acl: { enabled: true }, maxKillTimeoutMs: 200 });
  token = nomad.createToken({
    policies: [{ namespace: ns, capabilities: ["submit-job", "read-job", "list-jobs", "alloc-exec", "read-fs", "read-logs"] }],
  }).SecretID;
  // The example's sandbox, with a main command that says it is ready on stdout before sleeping.
  const task = job.Job.TaskGroups[0]?.Tasks[0];
  if (task) Object.assign(task.Config, { command: "/bin/sh", args: ["-c", `echo ready; exec sleep ${mainSleep}`] });
  const reg = await api("/v1/jobs", { method: "PUT", body: JSON.stringify(job) });
  expect(reg.status).toBe(200);
  for (let i = 0; i < 200 && allocId === ""; i++) {
    const allocs = (await (await api(`/v1/job/${job.Job.ID}/allocations?namespace=${ns}`)).json()) as Array<{
      ID: string;
      ClientStatus: string;
      TaskStates?: Record<string, { State: string }>;
    }>;
    const a = allocs.find((x) => x.ClientStatus === "running" && x.TaskStates?.main?.State === "running");
    if (a) allocId = a.ID;
    else await new Promise((r) => setTimeout(r, 50));
  }
  expect(allocId).not.toBe("");
});

afterAll(async () => {
  await nomad.stop();
});

describe("client plane through startEmulator", () => {
  it("exec: output frames, exit code, TCP drop, and the request is counted", async () => {
    const url = `${nomad.address.replace("http", "ws")}/v1/client/allocation/${allocId}/exec?task=main&command=${encodeURIComponent(
      JSON.stringify(["/bin/sh", "-c", "echo $NOMAD_TASK_NAME; ls /local >/dev/null; exit 4"]),
    )}`;
    const ws = new WebSocket(url, { headers: { "X-Nomad-Token": token } });
    const frames: Array<Record<string, unknown>> = [];
    ws.on("message", (d) => frames.push(JSON.parse(d.toString()) as Record<string, unknown>));
    const code = await new Promise<number>((resolve) => ws.on("close", (c) => resolve(c)));
    expect(frames[0]).toEqual({ stdout: { data: Buffer.from("main\n").toString("base64") } });
    expect(frames.at(-1)).toEqual({ exited: true, result: { exit_code: 4 } });
    expect(code).toBe(1006);
    expect(nomad.stats().requests["GET /v1/client/allocation/:alloc/exec"]).toBe(1);
  });

  it("fs: logs of the main task and the alloc dir listing, with read headers", async () => {
    const logs = await api(`/v1/client/fs/logs/${allocId}?task=main&type=stdout&plain=true`);
    expect(logs.headers.get("x-nomad-index")).toMatch(/^[1-9][0-9]*$/);
    expect(await logs.text()).toBe("ready\n");
    const ls = (await (await api(`/v1/client/fs/ls/${allocId}?path=/`)).json()) as Array<{ Name: string }>;
    expect(ls.map((e) => e.Name)).toEqual(["alloc", "main"]);
    const denied = await fetch(`${nomad.address}/v1/client/fs/ls/${allocId}`);
    expect([denied.status, await denied.text()]).toEqual([403, "Permission denied"]);
  });

  it("stop leaves no task or exec process behind", async () => {
    const url = `${nomad.address.replace("http", "ws")}/v1/client/allocation/${allocId}/exec?task=main&command=${encodeURIComponent(
      JSON.stringify(["/bin/sh", "-c", `echo go; exec sleep ${execSleep}`]),
    )}`;
    const ws = new WebSocket(url, { headers: { "X-Nomad-Token": token } });
    await new Promise<void>((resolve) => ws.once("message", () => resolve()));
    const closed = new Promise<void>((resolve) => ws.on("close", () => resolve()));
    expect(sleepers()).toHaveLength(2);
    await nomad.stop();
    await closed;
    expect(sleepers()).toEqual([]);
  });
});
