// The exec semaphore: bounded, FIFO hand-over, a full queue refused with 429, a cancelled wait leaves the queue.
import { describe, expect, it } from "vitest";
import { byteLimit, Semaphore, withDeadline } from "./limits.js";

describe("Semaphore", () => {
  it("hands slots over in order, refuses past the queue, and forgets cancelled waiters", async () => {
    const sem = new Semaphore(1, 1);
    const first = await sem.acquire();
    const order: string[] = [];
    const second = sem.acquire().then((release) => {
      order.push("second");
      return release;
    });
    await expect(sem.acquire()).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(sem.queued).toBe(1);
    first();
    (await second)();
    expect(order).toEqual(["second"]);
    expect(sem.active).toBe(0);
    const held = await sem.acquire();
    const abort = new AbortController();
    const waiting = sem.acquire(abort.signal);
    abort.abort(new Error("client left"));
    await expect(waiting).rejects.toMatchObject({ code: "ABORTED" });
    expect(sem.queued).toBe(0);
    held();
    held();
    expect(sem.active).toBe(0);
  });
});

describe("withDeadline and byteLimit", () => {
  it("turns a deadline into TIMEOUT and passes other failures through", async () => {
    const never = (signal: AbortSignal) =>
      new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))));
    await expect(withDeadline(new AbortController().signal, 20, "op", never)).rejects.toMatchObject({ code: "TIMEOUT" });
    await expect(
      withDeadline(new AbortController().signal, 5_000, "op", async () => Promise.reject(new Error("own"))),
    ).rejects.toThrow("own");
  });

  it("fails a stream with PAYLOAD_TOO_LARGE past the limit", async () => {
    const limiter = byteLimit(4);
    const failed = new Promise((resolve) => limiter.on("error", resolve));
    limiter.write(Buffer.from("abc"));
    limiter.write(Buffer.from("de"));
    expect(await failed).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });
});
