[[- /* The agentkernel API server job: docker task, /health check, no Nomad token in the spec. */ -]]
job "[[ template "job_name" . ]]" {
  type        = "service"
  namespace   = [[ var "namespace" . | printf "%q" ]]
  datacenters = [[ template "datacenters" . ]]
[[- template "region" . ]]

  # One replica at a time; roll back by itself if the new version never passes its /health check.
  update {
    max_parallel      = 1
    min_healthy_time  = "10s"
    healthy_deadline  = "3m"
    progress_deadline = "10m"
    health_check      = "checks"
    auto_revert       = true
  }

  group "api" {
    count = [[ var "count" . ]]

    # A dynamic host port per replica, mapped to http_port inside the container.
    network {
      port "http" {
        to = [[ var "http_port" . ]]
      }
    }

    spread {
      attribute = "${node.unique.id}"
    }

    restart {
      attempts = 3
      interval = "5m"
      delay    = "15s"
      mode     = "delay"
    }
[[- template "service" . ]]

    task "server" {
      driver = "docker"

      config {
        image        = [[ printf "%s:%s" (var "image" .) (var "image_tag" .) | printf "%q" ]]
        args         = ["serve", "--host", "0.0.0.0", "--port", [[ var "http_port" . | printf "%v" | printf "%q" ]], "--backend", [[ var "backend" . | printf "%q" ]]]
        ports        = ["http"]
        work_dir     = "/local"
        cap_drop     = ["all"]
        security_opt = ["no-new-privileges"]
      }

      env {
        NOMAD_ADDR               = "[[ template "nomad_addr" . ]]"
        NOMAD_NAMESPACE          = [[ var "namespace" . | printf "%q" ]]
        AGENTKERNEL_API_KEY_FILE = "${NOMAD_SECRETS_DIR}/api_key"
      }
[[- template "credentials" . ]]

      # The CLI finds agentkernel.toml in its working directory (/local).
      template {
        destination = "local/agentkernel.toml"
        change_mode = "restart"
        data        = <<-EOT
        [orchestrator]
        provider = [[ var "backend" . | printf "%q" ]]
        nomad_namespace = [[ var "namespace" . | printf "%q" ]]
        nomad_datacenter = [[ var "sandbox_datacenter" . | printf "%q" ]]
        warm_pool_size = [[ var "warm_pool_size" . ]]
        max_pool_size = [[ var "max_pool_size" . ]]

        [server]
        host = "0.0.0.0"
        port = [[ var "http_port" . ]]
        EOT
      }

      resources {
        cpu    = [[ (var "resources" .).cpu ]]
        memory = [[ (var "resources" .).memory ]]
      }

      kill_timeout = "30s"
    }
  }
}
