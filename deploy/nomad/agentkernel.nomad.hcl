# agentkernel API server as a Nomad service job (docker driver, port 18888, stateless so count >= 2 is safe).
#
# Nomad access comes from the task's workload identity over the Task API socket (Nomad 1.5+):
# `identity { env = true }` puts the identity JWT in NOMAD_TOKEN at run time and NOMAD_ADDR points at
# ${NOMAD_SECRETS_DIR}/api.sock. No Nomad token is written in this file. The identity needs the
# agentkernel-server ACL policy bound to this job (see README.md next to this file).
# The API key is read from the Nomad Variable nomad/jobs/agentkernel (item api_key), which this job's
# workload identity can read implicitly, into a file under secrets/ (AGENTKERNEL_API_KEY_FILE).
#
#   nomad job run -var version=0.1.0 -var count=3 deploy/nomad/agentkernel.nomad.hcl

variable "image" {
  type        = string
  description = "Container image repository (without the tag)."
  default     = "ghcr.io/agentkernel/agentkernel"
}

variable "version" {
  type        = string
  description = "Image tag: the agentkernel release to run. Pin it; never deploy :latest."
  default     = "0.1.0"
}

variable "namespace" {
  type        = string
  description = "Namespace of this job and of the sandboxes it creates (the ACL policy is written for it)."
  default     = "agentkernel"
}

variable "datacenters" {
  type        = list(string)
  description = "Datacenters the server may run in."
  default     = ["*"]
}

variable "sandbox_datacenter" {
  type        = string
  description = "Datacenter the sandboxes are placed in (orchestrator.nomad_datacenter)."
  default     = "dc1"
}

variable "count" {
  type        = number
  description = "Server replicas. The server keeps no state of its own, so any count >= 1 works; 2+ for availability."
  default     = 2

  validation {
    condition     = var.count >= 1
    error_message = "The count must be at least 1."
  }
}

variable "service_provider" {
  type        = string
  description = "Where the service is registered: nomad (built-in service discovery) or consul."
  default     = "nomad"

  validation {
    condition     = contains(["nomad", "consul"], var.service_provider)
    error_message = "The service_provider must be nomad or consul."
  }
}

variable "cpu" {
  type        = number
  description = "CPU for one server, in MHz."
  default     = 500
}

variable "memory" {
  type        = number
  description = "Memory for one server, in MiB."
  default     = 512
}

variable "warm_pool_size" {
  type        = number
  description = "Warm sandboxes kept ready (orchestrator.warm_pool_size)."
  default     = 10
}

variable "max_pool_size" {
  type        = number
  description = "Hard cap on warm + claimed sandboxes (orchestrator.max_pool_size)."
  default     = 50
}

job "agentkernel" {
  type        = "service"
  namespace   = var.namespace
  datacenters = var.datacenters

  # One replica at a time, and roll back by itself if the new version never passes its /health check.
  update {
    max_parallel      = 1
    min_healthy_time  = "10s"
    healthy_deadline  = "3m"
    progress_deadline = "10m"
    health_check      = "checks"
    auto_revert       = true
  }

  group "api" {
    count = var.count

    # Replicas on the same node must not collide on one host port: the host port is dynamic and maps to
    # 18888 inside the container; the registered service carries the real address.
    network {
      port "http" {
        to = 18888
      }
    }

    # Spread replicas so one lost node does not take the whole API down.
    spread {
      attribute = "${node.unique.id}"
    }

    restart {
      attempts = 3
      interval = "5m"
      delay    = "15s"
      mode     = "delay"
    }

    service {
      name     = "agentkernel"
      provider = var.service_provider
      port     = "http"
      tags     = ["agentkernel", "http"]

      check {
        name     = "agentkernel-health"
        type     = "http"
        path     = "/health"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "server" {
      driver = "docker"

      config {
        image = "${var.image}:${var.version}"
        args  = ["serve", "--host", "0.0.0.0", "--port", "18888", "--backend", "nomad"]
        ports = ["http"]
        # The CLI finds agentkernel.toml in its working directory; the template below writes it to /local.
        work_dir     = "/local"
        cap_drop     = ["all"]
        security_opt = ["no-new-privileges"]
      }

      # The workload identity JWT becomes NOMAD_TOKEN inside the task only; it never appears in the job.
      identity {
        env = true
      }

      env {
        NOMAD_ADDR               = "unix://${NOMAD_SECRETS_DIR}/api.sock"
        NOMAD_NAMESPACE          = var.namespace
        AGENTKERNEL_API_KEY_FILE = "${NOMAD_SECRETS_DIR}/api_key"
      }

      # secrets/ is a per-task tmpfs that no other task can see.
      template {
        destination = "secrets/api_key"
        change_mode = "restart"
        data        = <<-EOT
        {{- with nomadVar "nomad/jobs/agentkernel" -}}{{ .api_key }}{{- end -}}
        EOT
      }

      template {
        destination = "local/agentkernel.toml"
        change_mode = "restart"
        data        = <<-EOT
        [orchestrator]
        provider = "nomad"
        nomad_namespace = "${var.namespace}"
        nomad_datacenter = "${var.sandbox_datacenter}"
        warm_pool_size = ${var.warm_pool_size}
        max_pool_size = ${var.max_pool_size}

        [server]
        host = "0.0.0.0"
        port = 18888
        EOT
      }

      resources {
        cpu    = var.cpu
        memory = var.memory
      }

      # Graceful shutdown lets in-flight execs finish before SIGKILL.
      kill_timeout = "30s"
    }
  }
}
