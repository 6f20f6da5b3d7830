/** A sandbox, file or remote object does not exist. */
import { AgentkernelError, type AgentkernelErrorOptions } from "./agentkernel-error.js";

/** A sandbox, file or remote object does not exist. Code `NOT_FOUND`. */
export class NotFoundError extends AgentkernelError {
  constructor(message: string, options: AgentkernelErrorOptions = {}) {
    super("NOT_FOUND", message, options);
    this.name = "NotFoundError";
  }

  static override isInstance(error: unknown): error is NotFoundError {
    return AgentkernelError.isInstance(error) && error.code === "NOT_FOUND";
  }
}
