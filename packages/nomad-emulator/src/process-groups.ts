/** The process groups started per allocation (tasks and exec sessions), and how they are killed. */
import type { ChildProcess } from "node:child_process";

/** Signals a whole process group (children are spawned detached, so pid = pgid). */
export function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      // already gone
    }
  }
}

/** Tracks live children and every group id ever started, per alloc. */
export class ProcessGroups {
  private readonly live = new Map<string, Set<ChildProcess>>();
  /** A group can outlive its leader (bwrap's inner pid-namespace init), so ids are kept after the leader exits. */
  private readonly groups = new Map<string, Set<number>>();

  /** Registers a process of an alloc. */
  track(allocId: string, child: ChildProcess): void {
    if (child.pid !== undefined) {
      let g = this.groups.get(allocId);
      if (!g) {
        g = new Set();
        this.groups.set(allocId, g);
      }
      g.add(child.pid);
    }
    let set = this.live.get(allocId);
    if (!set) {
      set = new Set();
      this.live.set(allocId, set);
    }
    set.add(child);
    child.once("exit", () => set.delete(child));
  }

  /** Live children of an alloc. */
  children(allocId: string): ChildProcess[] {
    return [...(this.live.get(allocId) ?? [])];
  }

  /** SIGKILLs every group ever started for an alloc, leader alive or not. */
  killAll(allocId: string): void {
    for (const child of this.live.get(allocId) ?? []) killGroup(child, "SIGKILL");
    for (const pgid of this.groups.get(allocId) ?? []) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // group already empty
      }
    }
    this.groups.delete(allocId);
  }

  /** SIGKILLs everything, waits (bounded) for the leaders to be reaped. */
  async closeAll(): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const set of this.live.values()) {
      for (const child of set) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        waits.push(new Promise((resolve) => child.once("exit", () => resolve())));
      }
    }
    for (const allocId of new Set([...this.live.keys(), ...this.groups.keys()])) this.killAll(allocId);
    await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 5000))]);
  }
}
