/** Credentials are missing or not accepted. */
import { AgentkernelError, type AgentkernelErrorOptions } from "./agentkernel-error.js";

/** Credentials are missing or not accepted. Code `UNAUTHORIZED`. */
export class UnauthorizedError extends AgentkernelError {
  constructor(message: string, options: AgentkernelErrorOptions = {}) {
    super("UNAUTHORIZED", message, options);
    this.name = "UnauthorizedError";
  }

  static override isInstance(error: unknown): error is UnauthorizedError {
    return AgentkernelError.isInstance(error) && error.code === "UNAUTHORIZED";
  }
}
