/** The sandbox exists but is not running (start it first). */
import { AgentkernelError, type AgentkernelErrorOptions } from "./agentkernel-error.js";

/** The sandbox exists but is not running (start it first). Code `NOT_RUNNING`. */
export class NotRunningError extends AgentkernelError {
  constructor(message: string, options: AgentkernelErrorOptions = {}) {
    super("NOT_RUNNING", message, options);
    this.name = "NotRunningError";
  }

  static override isInstance(error: unknown): error is NotRunningError {
    return AgentkernelError.isInstance(error) && error.code === "NOT_RUNNING";
  }
}
