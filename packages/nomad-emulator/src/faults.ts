/** Injectable faults: latency, 500/503 responses, connection resets, no-leader windows, lost allocs, held placement. */
import type { ClientFaults } from "./emulator-context.js";

/** Which requests a rule applies to: a route label ("GET /v1/job/:id"), or all API requests when absent. */
interface RouteScoped {
  route?: string;
}

/** Probability or "the next N matching requests" (deterministic when tests need it). */
interface Rate {
  /** 0..1, drawn from a seeded PRNG (seed default 1). */
  fraction?: number;
  /** Exactly the next N matching requests. */
  count?: number;
  seed?: number;
}

/** A fault to inject. */
export type Fault =
  | ({ type: "latency"; ms: number } & RouteScoped)
  | ({ type: "error"; status: 500 | 503; message?: string } & RouteScoped & Rate)
  | ({ type: "reset" } & RouteScoped & Rate)
  | { type: "noLeader"; durationMs?: number }
  | { type: "leaderRestored" }
  | { type: "allocLost"; allocId: string }
  | { type: "nodeDown"; nodeId?: string }
  | { type: "placementNever"; on?: boolean }
  | { type: "exec"; execCutAfterBytes?: number; execEnding?: "drop" | "close1000" }
  | { type: "clear" };

/** What to do with one request. */
export type FaultAction = { kind: "none" } | { kind: "reset" } | { kind: "error"; status: number; message: string };

interface RateRule extends RouteScoped {
  left?: number;
  fraction: number;
  rand: () => number;
}

/** mulberry32: a tiny seeded PRNG so fractional faults repeat across runs. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Default texts: 500 is Nomad's `No cluster leader`; 503 is what a proxy in front of Nomad typically answers. */
const DEFAULT_TEXT: Record<number, string> = { 500: "No cluster leader", 503: "Service Unavailable" };

/** Live fault state consulted on every request. */
export class Faults {
  private latency: Array<{ route?: string; ms: number }> = [];
  private errors: Array<RateRule & { status: number; message: string }> = [];
  private resets: RateRule[] = [];
  private noLeaderUntil = 0;
  placementHeld = false;
  readonly client: ClientFaults = { execEnding: "drop" };

  /** Applies request-level faults; returns false for faults the emulator itself must act on. */
  apply(f: Fault): boolean {
    switch (f.type) {
      case "latency":
        this.latency.push({ ...(f.route ? { route: f.route } : {}), ms: f.ms });
        return true;
      case "error":
        this.errors.push({ ...this.rate(f), status: f.status, message: f.message ?? DEFAULT_TEXT[f.status] ?? "" });
        return true;
      case "reset":
        this.resets.push(this.rate(f));
        return true;
      case "noLeader":
        this.noLeaderUntil = f.durationMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + f.durationMs;
        return true;
      case "leaderRestored":
        this.noLeaderUntil = 0;
        return true;
      case "exec":
        if (f.execCutAfterBytes !== undefined) this.client.execCutAfterBytes = f.execCutAfterBytes;
        if (f.execEnding) this.client.execEnding = f.execEnding;
        return true;
      case "clear":
        this.latency = [];
        this.errors = [];
        this.resets = [];
        this.noLeaderUntil = 0;
        this.placementHeld = false;
        delete this.client.execCutAfterBytes;
        this.client.execEnding = "drop";
        return true;
      default:
        return false;
    }
  }

  private rate(f: RouteScoped & Rate): RateRule {
    return {
      ...(f.route ? { route: f.route } : {}),
      ...(f.count !== undefined ? { left: f.count } : {}),
      fraction: f.count !== undefined ? 1 : (f.fraction ?? 1),
      rand: seeded(f.seed ?? 1),
    };
  }

  /** True while a no-leader window is open. */
  noLeader(): boolean {
    return Date.now() < this.noLeaderUntil;
  }

  /** Extra latency for a route (all matching rules add up). */
  latencyFor(route: string): number {
    let ms = 0;
    for (const l of this.latency) if (!l.route || l.route === route) ms += l.ms;
    return ms;
  }

  private fire(r: RateRule, route: string): boolean {
    if (r.route && r.route !== route) return false;
    if (r.left !== undefined && r.left <= 0) return false;
    if (r.rand() >= r.fraction) return false;
    if (r.left !== undefined) r.left--;
    return true;
  }

  /** Decides the fate of one request (resets first, then error responses). */
  decide(route: string): FaultAction {
    for (const r of this.resets) if (this.fire(r, route)) return { kind: "reset" };
    for (const e of this.errors) if (this.fire(e, route)) return { kind: "error", status: e.status, message: e.message };
    return { kind: "none" };
  }
}
