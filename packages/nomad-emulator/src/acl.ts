/** ACL tokens and policies: a management token plus client tokens bound to namespace/variable/node/agent rules. */
import { globRe } from "./glob.js";
import { newId, isUuid } from "./ids.js";

/** Variable rules inside a namespace policy. */
export interface VariableRule {
  /** Glob; `*` matches across `/`. */
  path: string;
  /** read, list, write, destroy, deny (`read` implies `list`). */
  capabilities: string[];
}

/** One namespace block (plus optional node/agent policy), like an HCL ACL policy. */
export interface PolicyRule {
  /** Namespace name or glob (default "default"). */
  namespace?: string;
  /** Coarse policy: read | write | deny. */
  policy?: "read" | "write" | "deny";
  capabilities?: string[];
  variables?: VariableRule[];
  node?: "read" | "write" | "deny";
  agent?: "read" | "write" | "deny";
}

/** A token as /v1/acl/token/self returns it. */
export interface AclToken {
  AccessorID: string;
  SecretID: string;
  Name: string;
  Type: "client" | "management";
  Policies: string[];
  Roles: string[];
  Global: boolean;
  CreateTime: string;
  ExpirationTime: string | null;
  CreateIndex: number;
  ModifyIndex: number;
}

const READ = [
  "list-jobs",
  "parse-job",
  "read-job",
  "csi-list-volume",
  "csi-read-volume",
  "list-scaling-policies",
  "read-scaling-policy",
  "read-job-scaling",
  "host-volume-read",
];
const WRITE = [
  ...READ,
  "scale-job",
  "submit-job",
  "dispatch-job",
  "read-logs",
  "read-fs",
  "alloc-exec",
  "alloc-lifecycle",
  "csi-mount-volume",
  "csi-write-volume",
  "submit-recommendation",
  "host-volume-create",
];

/** What a token resolves to. */
export type Identity =
  | { kind: "disabled" }
  | { kind: "anonymous" }
  | { kind: "management"; token: AclToken }
  | { kind: "client"; token: AclToken; rules: PolicyRule[] }
  | { kind: "unknown"; uuid: boolean };

/** The ACL system; off unless enabled. */
export class Acl {
  readonly management: AclToken | undefined;
  private readonly tokens = new Map<string, { token: AclToken; rules: PolicyRule[] }>();

  constructor(
    readonly enabled: boolean,
    managementSecret?: string,
  ) {
    if (enabled) {
      this.management = this.make("Bootstrap Token", "management", [], managementSecret);
      this.tokens.set(this.management.SecretID, { token: this.management, rules: [] });
    }
  }

  private make(name: string, type: "client" | "management", policies: string[], secret?: string): AclToken {
    return {
      AccessorID: newId(),
      SecretID: secret ?? newId(),
      Name: name,
      Type: type,
      Policies: policies,
      Roles: [],
      Global: type === "management",
      CreateTime: new Date().toISOString(),
      ExpirationTime: null,
      CreateIndex: 1,
      ModifyIndex: 1,
    };
  }

  /** Creates a client token bound to these rules. */
  createToken(rules: PolicyRule[], name = "emulator client token"): AclToken {
    const t = this.make(
      name,
      "client",
      rules.map((_, i) => `emulator-policy-${this.tokens.size}-${i}`),
    );
    this.tokens.set(t.SecretID, { token: t, rules });
    return t;
  }

  /** Resolves a secret. */
  identify(secret: string | undefined): Identity {
    if (!this.enabled) return { kind: "disabled" };
    if (!secret) return { kind: "anonymous" };
    const hit = this.tokens.get(secret);
    if (!hit) return { kind: "unknown", uuid: isUuid(secret) };
    return hit.token.Type === "management"
      ? { kind: "management", token: hit.token }
      : { kind: "client", token: hit.token, rules: hit.rules };
  }

  private rulesFor(id: Identity, ns: string): PolicyRule[] {
    if (id.kind !== "client") return [];
    const exact = id.rules.filter((r) => (r.namespace ?? "default") === ns);
    return exact.length > 0 ? exact : id.rules.filter((r) => globRe(r.namespace ?? "default").test(ns));
  }

  /** Namespace capability check; `allowed` when ACLs are off or for management. */
  allows(secret: string | undefined, ns: string, cap: string): boolean {
    const id = this.identify(secret);
    if (id.kind === "disabled" || id.kind === "management") return true;
    let ok = false;
    for (const r of this.rulesFor(id, ns)) {
      const caps = new Set([...(r.capabilities ?? []), ...(r.policy === "read" ? READ : r.policy === "write" ? WRITE : [])]);
      if (r.policy === "deny" || caps.has("deny")) return false;
      if (caps.has(cap)) ok = true;
    }
    return ok;
  }

  /** node/agent policy check (`read` is satisfied by read or write). */
  allowsScope(secret: string | undefined, scope: "node" | "agent", level: "read" | "write"): boolean {
    const id = this.identify(secret);
    if (id.kind === "disabled" || id.kind === "management") return true;
    if (id.kind !== "client") return false;
    const levels = id.rules.map((r) => r[scope]).filter((x) => x !== undefined);
    if (levels.includes("deny")) return false;
    return levels.includes("write") || (level === "read" && levels.includes("read"));
  }

  /** Variable capability on a path: read, list, write, destroy. */
  allowsVariable(secret: string | undefined, ns: string, path: string, cap: string): boolean {
    const id = this.identify(secret);
    if (id.kind === "disabled" || id.kind === "management") return true;
    let ok = false;
    for (const r of this.rulesFor(id, ns)) {
      const rules: VariableRule[] = [...(r.variables ?? [])];
      if (r.policy === "write") rules.push({ path: "*", capabilities: ["read", "list", "write", "destroy"] });
      if (r.policy === "read") rules.push({ path: "*", capabilities: ["read", "list"] });
      for (const v of rules) {
        if (!globRe(v.path).test(path)) continue;
        if (v.capabilities.includes("deny")) return false;
        if (v.capabilities.includes(cap) || (cap === "list" && v.capabilities.includes("read"))) ok = true;
      }
    }
    return ok;
  }

  /** True only for the management token (or ACLs off). */
  isManagement(secret: string | undefined): boolean {
    const k = this.identify(secret).kind;
    return k === "disabled" || k === "management";
  }
}
