// P6: server /health and exec req/s and p50/p99 under 64 concurrent connections (autocannon), server in its own process.
import autocannon from "autocannon";
import { startServerChild } from "../lib/server.mjs";
import { summary } from "../lib/stats.mjs";

const CONNECTIONS = 64;

function cannon(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function api(url, key, method, path, body) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-api-key": key },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`P6 setup: ${method} ${path} → ${res.status} ${await res.text()}`);
  return res.json();
}

/** @param {{ emu: { address: string }, scale: number, log: (s: string) => void }} ctx */
export async function runP6(ctx) {
  const apiKey = "bench-key-0123456789abcdef";
  const server = await startServerChild({ nomadAddr: ctx.emu.address, apiKey });
  const duration = Math.max(3, Math.round(6 * ctx.scale));
  const rounds = 2;
  const rows = [];
  try {
    await api(server.url, apiKey, "POST", "/sandboxes", { name: "p6-exec" });
    const targets = [
      { what: "/health", opts: { url: `${server.url}/health`, duration } },
      {
        what: "exec `true`",
        opts: {
          url: `${server.url}/sandboxes/p6-exec/exec`,
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": apiKey },
          body: JSON.stringify({ command: ["true"] }),
          // A fixed number of requests: each exec takes seconds under this load, so a short duration counts none.
          amount: Math.max(CONNECTIONS, Math.round(192 * ctx.scale)),
          timeout: 60,
        },
      },
    ];
    for (const t of targets) {
      const rps = [];
      const p50 = [];
      const p99 = [];
      let non2xx = 0;
      let errors = 0;
      for (let r = 0; r < rounds; r++) {
        const res = await cannon(t.opts);
        // Completed requests over wall time: right for both the fixed-duration and the fixed-amount runs.
        rps.push(res.requests.total / res.duration);
        if (process.env.BENCH_DEBUG) ctx.log(`    round ${r}: ${res.requests.total} requests in ${res.duration} s`);
        p50.push(res.latency.p50);
        p99.push(res.latency.p99);
        non2xx += res.non2xx;
        errors += res.errors + res.timeouts;
      }
      const note = non2xx + errors > 0 ? `${non2xx} non-2xx, ${errors} errors/timeouts` : "all 2xx";
      ctx.log(`  ${t.what}: ${rounds} rounds × ${t.opts.amount ? `${t.opts.amount} requests` : `${duration} s`}, ${note}`);
      rows.push(
        { id: "P6", figure: `server ${t.what} req/s @64 conns`, value: summary(rps), unit: "req/s", goal: "report", note },
        { id: "P6", figure: `server ${t.what} latency p50 @64`, value: summary(p50), unit: "ms", goal: "report" },
        { id: "P6", figure: `server ${t.what} latency p99 @64`, value: summary(p99), unit: "ms", goal: "report" },
      );
    }
    await api(server.url, apiKey, "DELETE", "/sandboxes/p6-exec");
  } finally {
    await server.stop();
  }
  return rows;
}
