module agentkernel/deploy/gotemplate

go 1.19
