/** Prometheus metrics (prom-client) on a registry per server: HTTP, sandboxes by status, pool, backend calls. */
import type { Backend, SandboxStatus } from "@agentkernel/core";
import { AgentkernelError } from "@agentkernel/core";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ServerPool } from "./pool-port.js";

/** The metric objects routes and wrappers update. */
export interface ServerMetrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route" | "status">;
  backendCalls: Counter<"backend" | "operation">;
  backendErrors: Counter<"backend" | "operation" | "code">;
  poolClaims: Counter<"result">;
  poolClaimSeconds: Histogram<"result">;
  execsInFlight: Gauge;
}

const LIST_CACHE_MS = 5_000;

/** Builds the registry. Sandboxes and pool gauges are read from the backend/pool on scrape (stateless server). */
export function createMetrics(backend: Backend, pool: ServerPool | undefined): ServerMetrics {
  const registry = new Registry();
  const registers = [registry];
  let cached: { at: number; counts: Map<SandboxStatus, number> } | undefined;
  new Gauge({
    name: "agentkernel_sandboxes",
    help: "Sandboxes by status, as the backend reports them (cached for 5 s between scrapes)",
    labelNames: ["backend", "status"],
    registers,
    async collect() {
      if (!cached || Date.now() - cached.at > LIST_CACHE_MS) {
        const counts = new Map<SandboxStatus, number>();
        const list = await backend.list({ signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
        if (!list) return; // An unreachable backend shows up in agentkernel_backend_errors_total, not as zeros.
        for (const s of list) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
        cached = { at: Date.now(), counts };
      }
      this.reset();
      for (const [status, n] of cached.counts) this.set({ backend: backend.backendId, status }, n);
    },
  });
  if (pool) {
    new Gauge({
      name: "agentkernel_pool_sandboxes",
      help: "Warm pool sandboxes by pool and state (warm, pending, claimed), as of the pool's last upkeep read",
      labelNames: ["pool", "state"],
      registers,
      collect() {
        this.reset();
        for (const [key, p] of Object.entries(pool.stats().perPool)) {
          for (const state of ["warm", "pending", "claimed"] as const) this.set({ pool: key, state }, p[state]);
        }
      },
    });
    new Gauge({
      name: "agentkernel_pool_target",
      help: "Warm sandboxes each pool aims to keep",
      labelNames: ["pool"],
      registers,
      collect() {
        this.reset();
        for (const [key, p] of Object.entries(pool.stats().perPool)) this.set({ pool: key }, p.target);
      },
    });
  }
  return {
    registry,
    httpRequests: new Counter({
      name: "agentkernel_http_requests_total",
      help: "HTTP requests by method, route pattern and status",
      labelNames: ["method", "route", "status"],
      registers,
    }),
    httpDuration: new Histogram({
      name: "agentkernel_http_request_duration_seconds",
      help: "HTTP request latency (to the end of the response head for streams)",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    backendCalls: new Counter({
      name: "agentkernel_backend_requests_total",
      help: "Backend operations (each is one or more Nomad API requests on the nomad backend)",
      labelNames: ["backend", "operation"],
      registers,
    }),
    backendErrors: new Counter({
      name: "agentkernel_backend_errors_total",
      help: "Backend operations that failed, by error code",
      labelNames: ["backend", "operation", "code"],
      registers,
    }),
    poolClaims: new Counter({
      name: "agentkernel_pool_claims_total",
      help: "Warm pool claims by this server: hit (a warm sandbox) or miss (cold start)",
      labelNames: ["result"],
      registers,
    }),
    poolClaimSeconds: new Histogram({
      name: "agentkernel_pool_claim_duration_seconds",
      help: "Time to claim from the warm pool",
      labelNames: ["result"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    execsInFlight: new Gauge({ name: "agentkernel_execs_in_flight", help: "Commands running now", registers }),
  };
}

const OPERATIONS = ["create", "start", "stop", "remove", "get", "list", "exec", "writeFile", "readFile", "attach"] as const;

/**
 * Wraps a backend so each operation is counted (and failures by code). `logs` is an async iterable and passes
 * through uncounted. The wrapper keeps the backend's identity fields and optional members as they are.
 */
export function instrumentBackend(backend: Backend, metrics: ServerMetrics): Backend {
  const wrapped: Record<string, unknown> = {};
  for (const op of OPERATIONS) {
    const fn = (backend as unknown as Record<string, unknown>)[op];
    if (typeof fn !== "function") continue;
    wrapped[op] = async (...args: unknown[]) => {
      metrics.backendCalls.inc({ backend: backend.backendId, operation: op });
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>).apply(backend, args);
      } catch (error) {
        const code = AgentkernelError.isInstance(error) ? error.code : "UNKNOWN";
        metrics.backendErrors.inc({ backend: backend.backendId, operation: op, code });
        throw error;
      }
    };
  }
  return new Proxy(backend, {
    get(target, prop, receiver) {
      if (typeof prop === "string" && prop in wrapped) return wrapped[prop];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
