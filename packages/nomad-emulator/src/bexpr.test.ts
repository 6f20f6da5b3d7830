/** The go-bexpr subset: operators, selectors, precedence and parse errors. */
import { expect, test } from "vitest";
import { compileFilter } from "./bexpr.js";

const job = {
  ID: "sbx-1",
  ParentID: "",
  Priority: 50,
  Stop: false,
  Meta: { "agentkernel-managed": "true", team: "a" },
  Datacenters: ["dc1", "dc2"],
  TaskGroups: [],
};
const m = (expr: string, o: unknown = job) => compileFilter(expr).match(o);

test("comparisons, selectors and boolean logic", () => {
  expect(m('Meta["agentkernel-managed"] == "true"')).toBe(true);
  expect(m("Meta.team == `a`")).toBe(true);
  expect(m('ID != "sbx-1"')).toBe(false);
  expect(m("Priority == 50")).toBe(true);
  expect(m("Stop == false")).toBe(true);
  expect(m('"dc2" in Datacenters')).toBe(true);
  expect(m('"dc9" not in Datacenters')).toBe(true);
  expect(m('Datacenters contains "dc1"')).toBe(true);
  expect(m('ID matches "^sbx-[0-9]+$"')).toBe(true);
  expect(m("ParentID is empty and TaskGroups is empty")).toBe(true);
  expect(m("Meta is not empty")).toBe(true);
  expect(m('not (ID == "x" or Meta.team == "b")')).toBe(true);
  expect(m('ID == "x" or ID == "sbx-1" and Meta.team == "a"')).toBe(true);
  expect(m('ID == "x" and ID == "sbx-1" or Meta.team == "b"')).toBe(false);
});

test("a selector that does not resolve does not match", () => {
  expect(m('Meta["absent"] == "true"')).toBe(false);
  expect(m('Nope == "x"')).toBe(false);
});

test("parse errors throw", () => {
  for (const bad of ['Meta["x"', "ID ==", "ID === 1", '(ID == "a"', '"unterminated']) expect(() => compileFilter(bad)).toThrow();
});
