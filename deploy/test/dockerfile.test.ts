// Static checks of the root Dockerfile (no Docker engine here): pinned base, non-root, healthcheck, CLI entrypoint.
import { access, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** One Dockerfile instruction with continuation lines joined and comments dropped. */
interface Instruction {
  op: string;
  args: string;
}

function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = pending + line;
    pending = "";
    const space = full.indexOf(" ");
    out.push({ op: full.slice(0, space).toUpperCase(), args: full.slice(space + 1).trim() });
  }
  return out;
}

/** JSON (exec) form of CMD/ENTRYPOINT/HEALTHCHECK CMD; the shell form is refused on purpose (signals, no shell). */
function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === "string")) throw new Error(`not exec form: ${args}`);
  return parsed;
}

describe("Dockerfile", () => {
  let ins: Instruction[];
  let args: Map<string, string>;
  beforeAll(async () => {
    ins = instructions(await readFile(`${REPO}Dockerfile`, "utf8"));
    args = new Map(
      ins
        .filter((i) => i.op === "ARG" && i.args.includes("="))
        .map((i) => [i.args.split("=")[0] ?? "", i.args.slice(i.args.indexOf("=") + 1)]),
    );
  });

  it("is multi-stage and every stage's base is node 20 bookworm-slim pinned by exact version and digest", () => {
    const froms = ins.filter((i) => i.op === "FROM");
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      const ref = (from.args.split(/\s+/)[0] ?? "").replace(/^\$\{(\w+)\}$/, (_, name: string) => args.get(name) ?? "");
      expect(ref).toMatch(/^node:20\.\d+\.\d+-bookworm-slim@sha256:[0-9a-f]{64}$/);
    }
    expect(froms.map((f) => f.args.split(/\s+AS\s+/i)[1])).toEqual(["build", "runtime"]);
  });

  it("pins pnpm 10.34.9 through corepack and installs from the lockfile", () => {
    const runs = ins.filter((i) => i.op === "RUN").map((i) => i.args);
    expect(runs).toContainEqual(expect.stringContaining("corepack prepare pnpm@10.34.9 --activate"));
    expect(runs).toContainEqual(expect.stringMatching(/pnpm install --frozen-lockfile/));
    expect(runs).toContainEqual("pnpm turbo run build --filter @agentkernel/cli...");
    expect(runs).toContainEqual(expect.stringMatching(/pnpm --filter @agentkernel\/cli --prod deploy .*\/out$/));
  });

  it("runs as a non-root user in the final stage", () => {
    const runtime = ins.slice(ins.findLastIndex((i) => i.op === "FROM"));
    const users = runtime.filter((i) => i.op === "USER").map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1) ?? "";
    expect(user.split(":")[0]).not.toMatch(/^(root|0)$/);
  });

  it("has a HEALTHCHECK on /health and exposes 18888", () => {
    const health = ins.find((i) => i.op === "HEALTHCHECK");
    expect(health?.args).toMatch(/--interval=\d+s/);
    const cmd = execForm((health?.args ?? "").replace(/^.*?CMD\s+/, ""));
    expect(cmd.join(" ")).toContain("http://127.0.0.1:18888/health");
    expect(ins.find((i) => i.op === "EXPOSE")?.args).toBe("18888");
  });

  it("enters through the built CLI's bin and serves with the nomad backend by default", async () => {
    const entry = execForm(ins.find((i) => i.op === "ENTRYPOINT")?.args ?? "null");
    expect(entry).toEqual(["node", "/app/bin/run.js"]);
    expect(execForm(ins.find((i) => i.op === "CMD")?.args ?? "null")).toEqual([
      "serve",
      "--host",
      "0.0.0.0",
      "--port",
      "18888",
      "--backend",
      "nomad",
    ]);
    // pnpm deploy copies the CLI package's "files" to /out, which becomes /app: bin/run.js must be one of them.
    const cli = JSON.parse(await readFile(`${REPO}packages/cli/package.json`, "utf8")) as {
      bin: Record<string, string>;
      files: string[];
    };
    expect(cli.bin.agentkernel).toBe("./bin/run.js");
    expect(cli.files).toEqual(expect.arrayContaining(["bin", "dist"]));
  });

  it("copies only paths that exist in the repo (or come from the build stage), and never secrets", async () => {
    const copies = ins.filter((i) => i.op === "COPY" || i.op === "ADD");
    expect(copies.filter((c) => c.op === "ADD")).toEqual([]);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/);
      const fromStage = parts.some((p) => p.startsWith("--from="));
      const sources = parts.filter((p) => !p.startsWith("--")).slice(0, -1);
      expect(sources.length).toBeGreaterThan(0);
      if (fromStage) continue;
      for (const source of sources) await expect(access(`${REPO}${source}`), `${source} exists`).resolves.toBeUndefined();
    }
    const ignore = await readFile(`${REPO}.dockerignore`, "utf8");
    for (const pattern of ["**/node_modules", "**/dist", ".git", ".env"]) expect(ignore.split("\n")).toContain(pattern);
    const text = await readFile(`${REPO}Dockerfile`, "utf8");
    expect(text).not.toMatch(/NOMAD_TOKEN|AGENTKERNEL_API_KEY=/);
  });
});
