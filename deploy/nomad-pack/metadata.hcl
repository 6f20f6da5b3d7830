# Nomad Pack metadata for the agentkernel API server (nomad-pack v0.1+ template syntax).
app {
  url = "https://github.com/agentkernel/agentkernel"
}

pack {
  name        = "agentkernel"
  description = "agentkernel HTTP API server: runs AI agents' untrusted code in Nomad sandboxes."
  version     = "0.1.0"
}
