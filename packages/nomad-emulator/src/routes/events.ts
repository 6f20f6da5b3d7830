/** GET /v1/event/stream: NDJSON frames from the ring buffer, topic/key filters, inclusive index, `{}` heartbeats. */
import { HttpError } from "../http-util.js";
import { type Call, nsOf } from "../route-context.js";
import type { EventFrame, StreamEvent } from "../state.js";

const JOB_SCOPED = new Set(["Job", "Allocation", "Evaluation", "Deployment", "Service", "CSIPlugin"]);

/** Parses `topic=<Topic>[:<key>]` params; none means `*:*`. */
function parseTopics(url: URL): Map<string, Set<string>> {
  const topics = new Map<string, Set<string>>();
  const raw = url.searchParams.getAll("topic");
  for (const t of raw.length > 0 ? raw : ["*:*"]) {
    const i = t.indexOf(":");
    const topic = i < 0 ? t : t.slice(0, i);
    const key = i < 0 ? "*" : t.slice(i + 1);
    if (topic === "") throw new HttpError(400, `Invalid topic query: invalid topic format "${t}"`);
    let keys = topics.get(topic);
    if (!keys) {
      keys = new Set();
      topics.set(topic, keys);
    }
    keys.add(key === "" ? "*" : key);
  }
  return topics;
}

function matches(e: StreamEvent, topics: Map<string, Set<string>>, ns: string): boolean {
  if (ns !== "*" && e.Namespace !== "" && e.Namespace !== ns) return false;
  const keys = topics.get(e.Topic) ?? topics.get("*");
  if (!keys) return false;
  if (keys.has("*")) return true;
  return keys.has(e.Key) || (e.FilterKeys ?? []).some((k) => keys.has(k));
}

/** Streams events until the client goes away or the emulator stops. */
export function eventStream(c: Call): Promise<void> {
  const ns = nsOf(c);
  const idxRaw = c.url.searchParams.get("index") ?? "0";
  if (!/^\d+$/.test(idxRaw))
    throw new HttpError(400, `Unable to parse index: strconv.ParseUint: parsing "${idxRaw}": invalid syntax`);
  const topics = parseTopics(c.url);
  const { acl, state } = c.emu;
  for (const topic of topics.keys()) {
    const ok = JOB_SCOPED.has(topic)
      ? ns === "*"
        ? acl.isManagement(c.token)
        : acl.allows(c.token, ns, "read-job")
      : topic === "Node"
        ? acl.allowsScope(c.token, "node", "read")
        : acl.isManagement(c.token);
    if (!ok) throw new HttpError(403, "Permission denied");
  }
  const from = Number(idxRaw);
  const { res } = c;
  res.statusCode = 200;
  res.setHeader("Content-Type", "application/json");
  res.write("{}\n");
  let last = from > 0 ? from - 1 : 0;
  const flush = () => {
    for (const f of state.frames as EventFrame[]) {
      if (f.Index <= last) continue;
      last = f.Index;
      const events = f.Events.filter((e) => matches(e, topics, ns));
      if (events.length > 0) res.write(`${JSON.stringify({ Index: f.Index, Events: events })}\n`);
    }
  };
  flush();
  return new Promise<void>((resolve) => {
    const off = state.onChange(flush);
    const hb = setInterval(() => res.write("{}\n"), c.emu.eventHeartbeatMs);
    const done = () => {
      off();
      clearInterval(hb);
      if (!res.writableEnded) res.end();
      resolve();
    };
    c.signal.addEventListener("abort", done, { once: true });
    res.once("close", done);
  });
}
