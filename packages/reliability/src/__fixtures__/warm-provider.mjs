// The Nomad warm-pool provider of a backend (`backend.warmPool`), with a close() the callers can always await.

/** Returns `{ provider, close }` for `backend`; throws with the fix when the backend offers no warm pool. */
export async function warmProviderFor(backend) {
  if (!backend.warmPool) {
    throw new Error(
      `backend "${backend.backendId}" has no warmPool provider; use @agentkernel/backend-nomad ≥ the warm-pool wiring`,
    );
  }
  // The backend owns the provider; closing the backend stops it.
  return { provider: backend.warmPool, close: async () => undefined };
}
