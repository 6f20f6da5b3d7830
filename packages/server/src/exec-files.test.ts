// Exec (argv, env, cwd, stdin, base64 output) and files (JSON utf8/base64, raw streams both ways, delete, limits) over HTTP.
import { createHash, randomBytes } from "node:crypto";
import type { Backend } from "@agentkernel/core";
import type { Emulator } from "@agentkernel/nomad-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulator, nomadBackend, type TestServer, testServer, json } from "./test-server.js";

let nomad: Emulator;
let backend: Backend;
let t: TestServer;

beforeAll(async () => {
  nomad = await emulator();
  backend = nomadBackend(nomad);
  t = await testServer({
    backend,
    apiKey: "exec-files-key-1234",
    limits: { maxJsonFileBytes: 1024, maxUploadBytes: 4 * 1024 * 1024 },
  });
  expect((await t.api("/sandboxes", { method: "POST", json: { name: "box" } })).status).toBe(201);
});
afterAll(async () => {
  await t.server.close();
  await backend.close?.();
  await nomad.stop();
});

const exec = async (body: unknown) => {
  const res = await t.api("/sandboxes/box/exec", { method: "POST", json: body });
  return { status: res.status, body: await json(res) };
};

describe("exec", () => {
  it("returns exit_code, stdout, stderr and output; argv is never shell text", async () => {
    const tricky = `a b'c"$(touch /tmp/pwned)`;
    const { status, body } = await exec({ command: ["sh", "-c", 'printf "%s" "$1"; echo oops >&2; exit 7', "sh", tricky] });
    expect(status).toBe(200);
    expect(body.data).toEqual({ exit_code: 7, stdout: tricky, stderr: "oops\n", output: `${tricky}oops\n` });
    expect((await exec({ command: ["test", "-e", "/tmp/pwned"] })).body.data.exit_code).toBe(1);
  });

  it("passes env, cwd and stdin (text and base64), and returns base64 output", async () => {
    const env = await exec({ command: ["sh", "-c", 'echo "$GREETING"; pwd'], env: { GREETING: "hello there" }, cwd: "/tmp" });
    expect(env.body.data.stdout).toBe("hello there\n/tmp\n");
    expect((await exec({ command: ["cat"], stdin: "from stdin" })).body.data.stdout).toBe("from stdin");
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    const bin = await exec({ command: ["cat"], stdin_base64: bytes.toString("base64"), output_encoding: "base64" });
    expect(Buffer.from(String(bin.body.data.stdout), "base64")).toEqual(bytes);
    expect((await exec({ command: ["cat"], stdin: "a", stdin_base64: "YQ==" })).status).toBe(400);
  });
});

describe("files", () => {
  it("writes and reads JSON utf8 and base64, with odd characters in the path", async () => {
    const path = "/tmp/dir with space/it's $x.txt";
    const url = `/sandboxes/box/files${path.split("/").map(encodeURIComponent).join("/")}`;
    const put = await t.api(url, { method: "PUT", json: { content: "héllo\n" } });
    expect(await json(put)).toEqual({ success: true, data: { path, bytes: 7 } });
    const got = await json(await t.api(url));
    expect(got.data).toEqual({ path, content: "héllo\n", encoding: "utf8", bytes: 7 });
    const bytes = randomBytes(64);
    await t.api("/sandboxes/box/files/tmp/bin", {
      method: "PUT",
      json: { content: bytes.toString("base64"), encoding: "base64" },
    });
    const b64 = await json(await t.api("/sandboxes/box/files/tmp/bin?encoding=base64"));
    expect(Buffer.from(String(b64.data.content), "base64")).toEqual(bytes);
  });

  it("streams raw octet-stream uploads and downloads (bigger than any JSON limit)", async () => {
    const data = randomBytes(1536 * 1024);
    const put = await t.api("/sandboxes/box/files/tmp/big.bin?mode=0600", {
      method: "PUT",
      body: data,
      headers: { "content-type": "application/octet-stream" },
    });
    expect(await json(put)).toEqual({ success: true, data: { path: "/tmp/big.bin", bytes: data.length } });
    const res = await t.api("/sandboxes/box/files/tmp/big.bin", { headers: { accept: "application/octet-stream" } });
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    const back = Buffer.from(await res.arrayBuffer());
    expect(createHash("sha256").update(back).digest("hex")).toBe(createHash("sha256").update(data).digest("hex"));
    expect(String((await exec({ command: ["stat", "-c", "%a", "/tmp/big.bin"] })).body.data.stdout).trim()).toBe("600");
    // The same file in JSON is over the server's JSON file limit: 413 naming the raw alternative.
    const asJson = await t.api("/sandboxes/box/files/tmp/big.bin");
    expect(asJson.status).toBe(413);
    expect((await json(asJson)).error.message).toMatch(/application\/octet-stream/);
  });

  it("refuses uploads over the limit with 413", async () => {
    const data = randomBytes(5 * 1024 * 1024);
    const res = await t.api("/sandboxes/box/files/tmp/too-big", {
      method: "PUT",
      body: data,
      headers: { "content-type": "application/octet-stream" },
    });
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("deletes files (404 when missing) and validates paths at the edge", async () => {
    await t.api("/sandboxes/box/files/tmp/gone.txt", { method: "PUT", json: { content: "x" } });
    expect((await t.api("/sandboxes/box/files/tmp/gone.txt", { method: "DELETE" })).status).toBe(200);
    expect((await t.api("/sandboxes/box/files/tmp/gone.txt", { method: "DELETE" })).status).toBe(404);
    expect((await t.api("/sandboxes/box/files/tmp/gone.txt")).status).toBe(404);
    // A "/../" segment is resolved by URL parsing (like a shell would); one hidden in an encoded slash reaches the validator.
    const dotdot = await t.api("/sandboxes/box/files/tmp%2F..%2Fetc%2Fpasswd");
    expect(dotdot.status).toBe(400);
    expect((await json(dotdot)).error.message).toMatch(/\.\./);
    expect(
      (
        await t.api("/sandboxes/box/files/tmp/x?mode=999", {
          method: "PUT",
          body: "x",
          headers: { "content-type": "application/octet-stream" },
        })
      ).status,
    ).toBe(400);
    expect(
      (await t.api("/sandboxes/box/files/tmp/x", { method: "PUT", body: "not json", headers: { "content-type": "text/plain" } }))
        .status,
    ).toBe(400);
  });
});
