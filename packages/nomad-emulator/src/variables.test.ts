/** Variables: read/list/write/delete, cas 409 bodies, path rules and locks (REFERENCE.md §7). */
import { afterAll, beforeAll, expect, test } from "vitest";
import { type Emulator, startEmulator } from "./index.js";
import { arr, call, example, obj } from "./test-helpers.js";

let nomad: Emulator;
const ns = "agentkernel";
const path = "agentkernel/sandboxes/sbx-7f3a";
const items = obj(example("variable-read.json").Items);
beforeAll(async () => {
  nomad = await startEmulator({ port: 0, isolation: "none" });
});
afterAll(() => nomad.stop());
const v = (method: string, q = "", body?: unknown, p = path) =>
  call(nomad.address, method, `/v1/var/${p}?namespace=${ns}${q}`, body);

test("write, read, list, delete; shapes match the examples", async () => {
  expect([(await v("GET")).status, (await v("GET")).text]).toEqual([404, "variable not found"]);
  const w = await v("PUT", "", { Namespace: ns, Path: path, Items: items });
  expect(w.status).toBe(200);
  const written = obj(w.json);
  expect(w.headers.get("x-nomad-index")).toBe(String(written.ModifyIndex));
  const r = obj((await v("GET")).json);
  expect(Object.keys(r).sort()).toEqual(Object.keys(example("variable-read.json")).sort());
  expect(r.Items).toEqual(items);
  const again = obj((await v("PUT", "", { Namespace: ns, Path: path, Items: items })).json);
  expect(again.ModifyIndex).toBeGreaterThan(written.ModifyIndex as number);
  const list = arr((await call(nomad.address, "GET", `/v1/vars?namespace=${ns}&prefix=agentkernel/`)).json);
  expect(list.map((x) => x.Path)).toEqual([path]);
  expect(list[0]).not.toHaveProperty("Items");
  const d = await v("DELETE");
  expect([d.status, d.text]).toEqual([204, ""]);
  expect(d.headers.get("x-nomad-index")).not.toBeNull();
  expect((await v("DELETE")).status).toBe(204);
});

test("cas conflicts are 409 with the conflicting variable as JSON", async () => {
  const created = obj((await v("PUT", "&cas=0", { Namespace: ns, Path: path, Items: items })).json);
  const conflict = await v("PUT", "&cas=0", { Namespace: ns, Path: path, Items: items });
  expect(conflict.status).toBe(409);
  expect(conflict.headers.get("x-nomad-index")).toBe(String(created.ModifyIndex));
  expect(Object.keys(obj(conflict.json)).sort()).toEqual(
    Object.keys(example("variable-cas-conflict-409.json"))
      .filter((k) => !k.startsWith("_"))
      .sort(),
  );
  const stale = await v("PUT", `&cas=${(created.ModifyIndex as number) - 1}`, { Namespace: ns, Path: path, Items: { a: "b" } });
  expect(stale.status).toBe(409);
  expect(obj(stale.json).Items).toEqual(items);
  const ok = await v("PUT", `&cas=${created.ModifyIndex}`, { Namespace: ns, Path: path, Items: { a: "b" } });
  expect(ok.status).toBe(200);
  const missing = await v("PUT", "&cas=5", { Namespace: ns, Items: { a: "b" } }, "agentkernel/none");
  expect(missing.status).toBe(409);
  expect(missing.json).toEqual({
    Namespace: ns,
    Path: "agentkernel/none",
    CreateIndex: 0,
    CreateTime: 0,
    ModifyIndex: 0,
    ModifyTime: 0,
  });
  const badCas = await v("PUT", "&cas=x", { Items: { a: "b" } });
  expect(badCas.status).toBe(400);
  expect(badCas.text).toMatch(/^can not parse cas: /);
  expect((await v("DELETE", "&cas=0", undefined, "agentkernel/none")).status).toBe(204);
});

test("write errors: missing Items, bad paths", async () => {
  const noItems = await v("PUT", "", { Namespace: ns });
  expect([noItems.status, noItems.text]).toEqual([400, "variable missing required Items object"]);
  const nomadTop = await v("PUT", "", { Items: { a: "b" } }, "nomad/other");
  expect([nomadTop.status, nomadTop.text]).toEqual([
    400,
    'only paths at "nomad/jobs" or "nomad/job-templates" and below are valid paths under the top-level "nomad" directory',
  ]);
  expect((await v("PUT", "", { Items: { a: "b" } }, "nomad/jobs/x")).status).toBe(200);
});

test("locks: acquire, conflict, renew, release and their errors", async () => {
  const lp = "agentkernel/lock";
  const both = await v("PUT", "&lock-acquire&lock-release", { Lock: {} }, lp);
  expect([both.status, both.text]).toEqual([400, "multiple lock operations"]);
  const withCas = await v("PUT", "&lock-acquire&cas=1", { Lock: {} }, lp);
  expect([withCas.status, withCas.text]).toEqual([400, "CAS can't be used with lock operations"]);
  const renewMissing = await v("PUT", "&lock-renew", { Lock: { ID: "x" } }, lp);
  expect([renewMissing.status, renewMissing.text]).toEqual([404, "variable doesn't exist"]);
  const acq = obj(
    (await v("PUT", "&lock-acquire", { Path: lp, Namespace: ns, Lock: { TTL: "15s", LockDelay: "15s" } }, lp)).json,
  );
  const lock = obj(acq.Lock);
  expect(lock).toMatchObject({ TTL: "15s", LockDelay: "15s" });
  expect(lock.ID).toMatch(/^[0-9a-f-]{36}$/);
  const second = await v("PUT", "&lock-acquire", { Lock: {} }, lp);
  expect(second.status).toBe(409);
  expect(obj(second.json).ModifyIndex).toBe(0);
  const plain = await v("PUT", "", { Items: { a: "b" } }, lp);
  expect(plain.status).toBe(409);
  const renewWrong = await v("PUT", "&lock-renew", { Lock: { ID: "wrong" } }, lp);
  expect([renewWrong.status, renewWrong.text]).toEqual([409, "variable doesn't hold a lock"]);
  const renew = obj((await v("PUT", "&lock-renew", { Lock: { ID: lock.ID } }, lp)).json);
  expect(renew).not.toHaveProperty("Items");
  const relItems = await v("PUT", "&lock-release", { Items: { a: "b" }, Lock: { ID: lock.ID } }, lp);
  expect([relItems.status, relItems.text]).toEqual([400, "lock release operation doesn't take variable items"]);
  expect((await v("PUT", "&lock-release", { Lock: { ID: lock.ID } }, lp)).status).toBe(200);
  expect((await v("PUT", "", { Items: { a: "b" } }, lp)).status).toBe(200);
});
