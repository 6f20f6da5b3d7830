/** Scans every process's argv (/proc/<pid>/cmdline) for secrets, repeatedly, while a suite runs. */
import { readdirSync, readFileSync } from "node:fs";

/** One pass over /proc: the pids whose argv contains any of `needles`, with the argv (secret masked). */
export function scanCmdlines(needles: string[]): string[] {
  const hits: string[] = [];
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let argv: string;
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, "latin1");
    } catch {
      continue; // the process exited between readdir and read
    }
    for (const needle of needles) {
      if (argv.includes(needle)) hits.push(`${pid}: ${argv.replaceAll("\0", " ").replaceAll(needle, "<SECRET>").slice(0, 300)}`);
    }
  }
  return hits;
}

/** Scans every `everyMs` until stop(); stop() returns every hit seen and how many passes ran. */
export function watchCmdlines(needles: string[], everyMs = 100): { stop(): { hits: string[]; passes: number } } {
  const hits = new Set<string>();
  let passes = 0;
  const tick = () => {
    for (const h of scanCmdlines(needles)) hits.add(h);
    passes++;
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return { hits: [...hits], passes };
    },
  };
}
