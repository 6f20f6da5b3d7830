/** Start progress on stderr ("placing…", "pulling image…", "running"), only on a terminal and never with --json. */
import type { StartProgress } from "@agentkernel/core";

const LABELS: Readonly<Record<StartProgress["phase"], string>> = {
  creating: "creating…",
  placing: "placing…",
  pulling: "pulling image…",
  starting: "starting…",
  running: "running",
};

/** A progress sink: `onProgress` for StartOptions, `done()` clears the line. */
export interface ProgressReporter {
  onProgress?: (progress: StartProgress) => void;
  done(): void;
}

/** Reports on `stream` when it is a TTY and `enabled`; otherwise a silent reporter. */
export function progressReporter(stream: NodeJS.WriteStream, enabled: boolean): ProgressReporter {
  if (!enabled || !stream.isTTY) return { done: () => undefined };
  let shown = false;
  return {
    onProgress: (p) => {
      // One line, rewritten in place: the label, then the backend's detail (a task event, a node).
      stream.write(`\r\x1b[K${LABELS[p.phase]} ${p.message}`.slice(0, Math.max(20, (stream.columns || 80) - 1)));
      shown = true;
    },
    done: () => {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
    },
  };
}
