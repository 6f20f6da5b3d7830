// The socket connector of the pool: undici's own, plus resetting abandoned connections and closing idle reconnects.
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
      const socket = args[1];
      if (socket) resetOnErrorDestroy(socket);
      callback(...args);
      if (socket) setImmediate(() => destroyIfUnused(socket));
    });
  };
}

function destroyIfUnused(socket: Socket): void {
  // `bytesWritten` counts queued writes too, so a request written in the meantime keeps the socket.
  if (!socket.destroyed && socket.bytesWritten === 0) socket.destroy();
}

/**
 * undici destroys a socket with an error when it abandons it (abort, timeout, `close()`): send a TCP reset then
 * instead of a FIN, so a server stuck without reading (a hung agent, a proxy) drops the connection at once rather
 * than holding it half-closed. Sockets without a TCP handle (TLS, unix) keep the normal close.
 */
function resetOnErrorDestroy(socket: Socket): void {
  const destroy = socket.destroy.bind(socket);
  socket.destroy = (error?: Error) => {
    if (!error || socket.destroyed) return destroy(error);
    try {
      socket.resetAndDestroy();
    } catch {
      // Not a TCP handle (TLS or unix socket): resetAndDestroy throws ERR_INVALID_HANDLE_TYPE; close normally.
      return destroy(error);
    }
    if (!socket.destroyed) return destroy(error);
    // destroy(error) would report `error` to undici's listener: keep that, so requests fail with the real reason.
    if (socket.listenerCount("error") > 0) process.nextTick(() => socket.emit("error", error));
    return socket;
  };
}
