// The socket connector of the pool: undici's own, plus closing the idle connection undici opens after an abort.
import type { Socket } from "node:net";
import { buildConnector } from "undici";

/**
 * Builds undici's connector for `options` and wraps it so that a connection on which nothing was written once undici
 * got it is destroyed. Why: when a request is aborted (our timeout or the caller's signal), undici destroys its socket
 * but puts the aborted request back in the queue, connects again to serve it, then drops it: the new connection stays
 * open, idle and unused (no keep-alive timer runs on it). undici writes a pending request synchronously on connect,
 * so "connected and nothing written" means nobody asked for this connection.
 */
export function closingIdleConnector(options: buildConnector.BuildOptions): buildConnector.connector {
  const connect = buildConnector(options);
  return (opts, callback) => {
    connect(opts, (...args: buildConnector.CallbackArgs) => {
      callback(...args);
      const socket = args[1];
      if (socket) setImmediate(() => destroyIfUnused(socket));
    });
  };
}

function destroyIfUnused(socket: Socket): void {
  // `bytesWritten` counts queued writes too, so a request written in the meantime keeps the socket.
  if (!socket.destroyed && socket.bytesWritten === 0) socket.destroy();
}
