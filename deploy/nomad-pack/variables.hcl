# Variables of the agentkernel pack. README.md lists each one with its default; a test keeps them in sync.

variable "job_name" {
  description = "Nomad job ID. The API key Variable path below follows it (nomad/jobs/<job_name>)."
  type        = string
  default     = "agentkernel"
}

variable "datacenters" {
  description = "Datacenters the server may run in."
  type        = list(string)
  default     = ["*"]
}

variable "region" {
  description = "Region of the job; empty means the agent's own region."
  type        = string
  default     = ""
}

variable "namespace" {
  description = "Namespace of the job and of the sandboxes it creates (the ACL policy names it)."
  type        = string
  default     = "agentkernel"
}

variable "image" {
  description = "Container image repository, without the tag."
  type        = string
  default     = "ghcr.io/agentkernel/agentkernel"
}

variable "image_tag" {
  description = "Image tag: the agentkernel release to run. Pin it; never deploy latest."
  type        = string
  default     = "0.1.0"
}

variable "count" {
  description = "Server replicas. The server is stateless, so 2 or more is safe and recommended."
  type        = number
  default     = 2
}

variable "http_port" {
  description = "Port the server listens on inside the container (the host port is dynamic)."
  type        = number
  default     = 18888
}

variable "backend" {
  description = "Sandbox backend the server drives: nomad (production) or local (bubblewrap on the node; testing only)."
  type        = string
  default     = "nomad"
}

variable "nomad_addr" {
  description = "Nomad API address for the server. Empty means the Task API socket api.sock in the task secrets dir."
  type        = string
  default     = ""
}

variable "sandbox_datacenter" {
  description = "Datacenter the sandboxes are placed in (orchestrator.nomad_datacenter)."
  type        = string
  default     = "dc1"
}

variable "warm_pool_size" {
  description = "Warm sandboxes kept ready (orchestrator.warm_pool_size)."
  type        = number
  default     = 10
}

variable "max_pool_size" {
  description = "Hard cap on warm plus claimed sandboxes (orchestrator.max_pool_size)."
  type        = number
  default     = 50
}

variable "resources" {
  description = "CPU (MHz) and memory (MiB) of one server."
  type = object({
    cpu    = number
    memory = number
  })
  default = {
    cpu    = 500
    memory = 512
  }
}

variable "register_service" {
  description = "Service registration: nomad (built-in discovery), consul, or none."
  type        = string
  default     = "nomad"
}

variable "service_name" {
  description = "Name of the registered service."
  type        = string
  default     = "agentkernel"
}

variable "token_source" {
  description = "Where the server's Nomad credentials come from: workload_identity, variable (item nomad_token of api_key_variable) or vault."
  type        = string
  default     = "workload_identity"
}

variable "api_key_variable" {
  description = "Nomad Variable holding the API key in its item api_key. The job's identity reads nomad/jobs/<job_name> without any policy."
  type        = string
  default     = "nomad/jobs/agentkernel"
}

variable "vault_role" {
  description = "Vault role of the task when token_source is vault."
  type        = string
  default     = "agentkernel"
}

variable "vault_secret_path" {
  description = "Vault KV v2 secret with the items nomad_token and api_key, when token_source is vault."
  type        = string
  default     = "secret/data/agentkernel"
}
