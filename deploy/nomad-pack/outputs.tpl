agentkernel [[ meta "pack.version" . ]] is deployed as job [[ template "job_name" . ]] ([[ var "count" . ]] replicas) in namespace [[ var "namespace" . ]].
[[- if eq (var "register_service" .) "none" ]]
No service is registered (register_service = none): reach the replicas through your own load balancer.
[[- else ]]
Service [[ var "service_name" . ]] ([[ var "register_service" . ]]) is checked on GET /health every 10s.
[[- end ]]
Nomad credentials: [[ var "token_source" . ]]. API key: [[ if eq (var "token_source" .) "vault" ]]Vault [[ var "vault_secret_path" . ]][[ else ]]Nomad Variable [[ var "api_key_variable" . ]][[ end ]] (item api_key).
