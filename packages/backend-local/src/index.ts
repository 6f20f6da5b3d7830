/** @agentkernel/backend-local: the embedded default backend (bubblewrap sandboxes on this machine). */
export { BACKEND_ID, createLocalBackend, type LocalBackendOptions } from "./local-backend.js";
