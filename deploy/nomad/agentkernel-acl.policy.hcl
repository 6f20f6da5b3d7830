# Least-privilege ACL policy for the agentkernel server (REFERENCE §8): what it needs to create, watch,
# exec into and remove sandbox jobs in the agentkernel namespace, and nothing more.
# Apply and bind it as deploy/nomad/README.md shows.

namespace "agentkernel" {
  capabilities = [
    "list-jobs",    # GET /v1/jobs: list sandboxes and warm allocations
    "read-job",     # job/alloc/eval reads and the Job/Allocation/Evaluation event-stream topics
    "submit-job",   # register and stop (deregister/purge) sandbox jobs
    "dispatch-job", # dispatch warm-pool allocations from the parameterized job
    "alloc-exec",   # exec into sandboxes over the exec WebSocket
    "read-fs",      # file download/listing and streamed logs
    "read-logs",    # logs
  ]
  # Not granted on purpose: "alloc-lifecycle" (the server never restarts or signals allocs) and
  # "alloc-node-exec" (only raw_exec sandboxes need it, and raw_exec is no sandbox).

  # Warm-pool claim records and sandbox metadata live under agentkernel/.
  variables {
    path "agentkernel/*" {
      capabilities = ["read", "list", "write", "destroy"]
    }
  }
}

# Read-only, for `agentkernel doctor` only: drop both blocks if you never run doctor with this identity.
node {
  policy = "read" # GET /v1/nodes: which nodes have the sandbox driver healthy
}

agent {
  policy = "read" # GET /v1/agent/self: Nomad version and ACL status
}
