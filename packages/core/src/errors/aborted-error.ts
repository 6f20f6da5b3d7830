/** The caller aborted the operation through its AbortSignal. */
import { AgentkernelError, type AgentkernelErrorOptions } from "./agentkernel-error.js";

/** The caller aborted the operation through its AbortSignal. Code `ABORTED`. */
export class AbortedError extends AgentkernelError {
  constructor(message: string, options: AgentkernelErrorOptions = {}) {
    super("ABORTED", message, options);
    this.name = "AbortedError";
  }

  static override isInstance(error: unknown): error is AbortedError {
    return AgentkernelError.isInstance(error) && error.code === "ABORTED";
  }
}
