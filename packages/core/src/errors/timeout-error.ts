/** An operation or exec ran past its deadline (the remote process was ended). */
import { AgentkernelError, type AgentkernelErrorOptions } from "./agentkernel-error.js";

/** An operation or exec ran past its deadline (the remote process was ended). Code `TIMEOUT`. */
export class TimeoutError extends AgentkernelError {
  constructor(message: string, options: AgentkernelErrorOptions = {}) {
    super("TIMEOUT", message, options);
    this.name = "TimeoutError";
  }

  static override isInstance(error: unknown): error is TimeoutError {
    return AgentkernelError.isInstance(error) && error.code === "TIMEOUT";
  }
}
