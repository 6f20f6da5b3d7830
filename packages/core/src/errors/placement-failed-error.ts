/** The sandbox could not be placed or its task failed to start; the message explains why. */
import { AgentkernelError, type AgentkernelErrorOptions } from "./agentkernel-error.js";

/** The sandbox could not be placed or its task failed to start; the message explains why. Code `PLACEMENT_FAILED`. */
export class PlacementFailedError extends AgentkernelError {
  constructor(message: string, options: AgentkernelErrorOptions = {}) {
    super("PLACEMENT_FAILED", message, options);
    this.name = "PlacementFailedError";
  }

  static override isInstance(error: unknown): error is PlacementFailedError {
    return AgentkernelError.isInstance(error) && error.code === "PLACEMENT_FAILED";
  }
}
