/** Credentials are valid but lack a capability; the message names it when known. */
import { AgentkernelError, type AgentkernelErrorOptions } from "./agentkernel-error.js";

/** Credentials are valid but lack a capability; the message names it when known. Code `PERMISSION_DENIED`. */
export class PermissionDeniedError extends AgentkernelError {
  constructor(message: string, options: AgentkernelErrorOptions = {}) {
    super("PERMISSION_DENIED", message, options);
    this.name = "PermissionDeniedError";
  }

  static override isInstance(error: unknown): error is PermissionDeniedError {
    return AgentkernelError.isInstance(error) && error.code === "PERMISSION_DENIED";
  }
}
