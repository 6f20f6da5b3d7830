/** GET /v1/client/fs/logs/:alloc — a task's stdout/stderr across rotated files, framed or plain (REFERENCE §6). */
import { readdir, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { HttpError } from "./http-util.js";
import { type AccessFn, parseFlag, parseOffset, parseOrigin } from "./fs-ops.js";
import { FrameWriter, streamFile } from "./fs-stream.js";

interface LogFile {
  idx: number;
  name: string;
  size: number;
}

async function listLogs(logDir: string, task: string, type: string): Promise<LogFile[]> {
  const prefix = `${task}.${type}.`;
  const names = await readdir(logDir).catch(() => [] as string[]);
  const files: LogFile[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^[0-9]+$/.test(name.slice(prefix.length))) continue;
    const st = await stat(join(logDir, name)).catch(() => undefined);
    if (st?.isFile()) files.push({ idx: Number(name.slice(prefix.length)), name, size: st.size });
  }
  return files.sort((a, b) => a.idx - b.idx);
}

/**
 * Where to begin: origin=start skips whole files while the offset exceeds them (offsets run across rotations);
 * origin=end counts back from the end of the newest files.
 */
function startPoint(files: LogFile[], origin: "start" | "end", offset: number): { i: number; pos: number } {
  if (files.length === 0) return { i: 0, pos: 0 };
  if (origin === "start") {
    let left = Math.max(offset, 0);
    for (let i = 0; i < files.length; i++) {
      const f = files[i] as LogFile;
      if (left < f.size || i === files.length - 1) return { i, pos: Math.min(left, f.size) };
      left -= f.size;
    }
  }
  let back = Math.max(offset, 0);
  for (let i = files.length - 1; i >= 0; i--) {
    const f = files[i] as LogFile;
    if (back <= f.size || i === 0) return { i, pos: Math.max(f.size - back, 0) };
    back -= f.size;
  }
  return { i: 0, pos: 0 };
}

/** Parameter checks (all 400, as Nomad's agent codes them), then alloc/ACL, then task checks, then the stream. */
export async function handleLogs(q: URLSearchParams, req: IncomingMessage, res: ServerResponse, access: AccessFn): Promise<void> {
  const task = q.get("task") ?? "";
  if (task === "") throw new HttpError(400, "must provide task name");
  const follow = parseFlag(q, "follow", false);
  const plain = parseFlag(q, "plain", false);
  const type = q.get("type") ?? "";
  if (type !== "stdout" && type !== "stderr") throw new HttpError(400, "must provide log type (stdout/stderr)");
  const offset = parseOffset(q, 400);
  const origin = parseOrigin(q);
  const { allocDir, alloc } = access();
  const state = alloc.TaskStates[task];
  if (!alloc.taskNames.includes(task) || !state) throw new HttpError(400, `unknown task name ${JSON.stringify(task)}`);
  if (!state.StartedAt) throw new HttpError(404, `task ${JSON.stringify(task)} not started yet. No logs available`);

  const logDir = join(allocDir, "alloc", "logs");
  let files = await listLogs(logDir, task, type);
  const w = new FrameWriter(res, req, plain, follow);
  try {
    const start = startPoint(files, origin, offset);
    let pos = start.pos;
    let idx = files[start.i]?.idx ?? 0;
    for (;;) {
      const name = `${task}.${type}.${idx}`;
      const host = join(logDir, name);
      const exists = await stat(host).then(
        () => true,
        () => false,
      );
      if (!exists) {
        // Nothing logged yet: wait for the file when following, else the stream is simply empty.
        if (!follow || w.closed) break;
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      const hasNext = async (): Promise<boolean> => {
        files = await listLogs(logDir, task, type);
        return files.some((f) => f.idx > idx);
      };
      const end = await streamFile(w, { host, label: `alloc/logs/${name}`, offset: pos, follow, hasNext });
      if (end !== "moved-on") break;
      idx = files.find((f) => f.idx > idx)?.idx ?? idx + 1;
      pos = 0;
    }
  } finally {
    w.finish();
  }
}
