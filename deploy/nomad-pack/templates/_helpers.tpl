[[- /* Helper templates for the agentkernel pack: parsed with the job template, never rendered alone. */ -]]

[[- define "job_name" -]]
[[- if var "job_name" . -]][[ var "job_name" . ]][[- else -]][[ meta "pack.name" . ]][[- end -]]
[[- end -]]

[[- define "region" -]]
[[- if var "region" . ]]
  region = [[ var "region" . | printf "%q" ]]
[[- end -]]
[[- end -]]

[[- define "datacenters" -]]
[ [[- range $i, $dc := var "datacenters" . -]][[ if $i ]], [[ end ]][[ printf "%q" $dc ]][[- end -]] ]
[[- end -]]

[[- define "nomad_addr" -]]
[[- if var "nomad_addr" . -]][[ var "nomad_addr" . ]][[- else -]]unix://${NOMAD_SECRETS_DIR}/api.sock[[- end -]]
[[- end -]]

[[- define "service" -]]
[[- $provider := var "register_service" . -]]
[[- if or (eq $provider "nomad") (eq $provider "consul") ]]

    service {
      name     = [[ var "service_name" . | printf "%q" ]]
      provider = [[ printf "%q" $provider ]]
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
[[- else if ne $provider "none" ]]

    # Nomad rejects this unknown argument, so a mistyped register_service stops the deploy.
    invalid_register_service = [[ printf "%s is not one of nomad, consul, none" $provider | printf "%q" ]]
[[- end -]]
[[- end -]]

[[- /* Nomad credentials and the API key. Nomad's own template blocks use {{ }}, which pass through here. */ -]]
[[- define "credentials" -]]
[[- $source := var "token_source" . -]]
[[- if eq $source "workload_identity" ]]

      # The workload identity JWT becomes NOMAD_TOKEN inside the task; bind the ACL policy to this job.
      identity {
        env = true
      }
[[- else if eq $source "variable" ]]

      # An ACL token kept in the Nomad Variable, exported as NOMAD_TOKEN inside the task only.
      template {
        destination = "secrets/nomad.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        {{- with nomadVar [[ var "api_key_variable" . | printf "%q" ]] }}NOMAD_TOKEN={{ .nomad_token }}{{ end }}
        EOT
      }
[[- else if eq $source "vault" ]]

      vault {
        role = [[ var "vault_role" . | printf "%q" ]]
      }

      # An ACL token kept in Vault, exported as NOMAD_TOKEN inside the task only.
      template {
        destination = "secrets/nomad.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        {{- with secret [[ var "vault_secret_path" . | printf "%q" ]] }}NOMAD_TOKEN={{ .Data.data.nomad_token }}{{ end }}
        EOT
      }
[[- else ]]

      # Nomad rejects this unknown argument, so a mistyped token_source stops the deploy instead of running without access.
      invalid_token_source = [[ printf "%s is not one of workload_identity, variable, vault" $source | printf "%q" ]]
[[- end ]]

      # secrets/ is a per-task tmpfs that no other task can see.
[[- if eq $source "vault" ]]
      template {
        destination = "secrets/api_key"
        change_mode = "restart"
        data        = <<-EOT
        {{- with secret [[ var "vault_secret_path" . | printf "%q" ]] -}}{{ .Data.data.api_key }}{{- end -}}
        EOT
      }
[[- else ]]
      template {
        destination = "secrets/api_key"
        change_mode = "restart"
        data        = <<-EOT
        {{- with nomadVar [[ var "api_key_variable" . | printf "%q" ]] -}}{{ .api_key }}{{- end -}}
        EOT
      }
[[- end ]]
[[- end -]]
