// Reference-backend behaviour beyond the suite: spec files, spec env, stop ending running commands, close.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Backend, collectExec } from "@agentkernel/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readAll } from "./case-helpers.js";
import { createReferenceBackend, REFERENCE_BACKEND_ID } from "./reference-backend.js";

let rootDir: string;
let backend: Backend;

beforeEach(async () => {
  rootDir = await mkdtemp(join(tmpdir(), "akc-ref-extras-"));
  backend = createReferenceBackend({ rootDir });
});

afterEach(async () => {
  await backend.close?.();
  await rm(rootDir, { recursive: true, force: true });
});

describe("reference backend", () => {
  it("injects spec.files and applies spec.env under request env", async () => {
    await backend.create({
      name: "files-env",
      env: { FROM_SPEC: "spec", BOTH: "spec" },
      files: [{ path: "/etc/greeting", content: "hello", mode: 0o600 }],
    });
    await backend.start("files-env");
    expect((await readAll(await backend.readFile("files-env", "/etc/greeting"))).toString()).toBe("hello");
    const result = await collectExec(await backend.exec("files-env", { command: ["env"], env: { BOTH: "request" } }));
    const lines = result.stdout.toString().split("\n");
    expect(lines).toContain("FROM_SPEC=spec");
    expect(lines).toContain("BOTH=request");
  });

  it("stop ends commands still running in the sandbox", async () => {
    await backend.create({ name: "stopper" });
    await backend.start("stopper");
    const session = await backend.exec("stopper", { command: ["sleep", "30"] });
    await backend.stop("stopper");
    expect((await session.exit).exitCode).toBe(137);
  });

  it("reports itself as backend-v1 with id reference, and keeps its data under rootDir", async () => {
    expect(backend.specificationVersion).toBe("backend-v1");
    expect(backend.backendId).toBe(REFERENCE_BACKEND_ID);
    const info = await backend.create({ name: "where" });
    expect(info.refs.dir).toBe(join(rootDir, "where"));
  });
});
