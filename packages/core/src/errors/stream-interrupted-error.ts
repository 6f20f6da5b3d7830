/** A stream (exec, logs, file) ended before it completed, e.g. the socket dropped before the exit code. */
import { AgentkernelError, type AgentkernelErrorOptions } from "./agentkernel-error.js";

/** A stream (exec, logs, file) ended before it completed, e.g. the socket dropped before the exit code. Code `STREAM_INTERRUPTED`. */
export class StreamInterruptedError extends AgentkernelError {
  constructor(message: string, options: AgentkernelErrorOptions = {}) {
    super("STREAM_INTERRUPTED", message, options);
    this.name = "StreamInterruptedError";
  }

  static override isInstance(error: unknown): error is StreamInterruptedError {
    return AgentkernelError.isInstance(error) && error.code === "STREAM_INTERRUPTED";
  }
}
