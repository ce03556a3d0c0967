{{/*
Names and labels.
*/}}
{{- define "arm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "arm.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "arm.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "arm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "arm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "arm.labels" -}}
helm.sh/chart: {{ include "arm.chart" . }}
{{ include "arm.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: server
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Mutual TLS: the kubelet presents no client certificate, so probes use the plain-HTTP probe port. */}}
{{- define "arm.mtls" -}}
{{- if and .Values.tls.enabled .Values.tls.clientCA.enabled }}true{{ end }}
{{- end }}

{{/* Where the corporate CA bundle for GitHub (NODE_EXTRA_CA_CERTS) comes from: a ConfigMap name, or "". */}}
{{- define "arm.caBundleConfigMap" -}}
{{- if .Values.github.caBundleConfigMap.name }}
{{- .Values.github.caBundleConfigMap.name }}
{{- else if .Values.github.caBundle }}
{{- printf "%s-github-ca" (include "arm.fullname" .) }}
{{- end }}
{{- end }}

{{- define "arm.caBundleKey" -}}
{{- if .Values.github.caBundleConfigMap.name }}{{ .Values.github.caBundleConfigMap.key }}{{ else }}ca.crt{{ end }}
{{- end }}

{{- define "arm.caBundleDir" -}}/etc/actions-runner-manager/github-ca{{- end }}

{{/* PromQL label matchers of this release's series, as the ServiceMonitor scrapes them (job = the Service's name). */}}
{{- define "arm.promSelector" -}}
{{- .Values.metrics.prometheusRule.selector | default (printf "namespace=%q, job=%q" .Release.Namespace (include "arm.fullname" .)) }}
{{- end }}

{{/* The `helm test` pod's labels that the NetworkPolicy lets in; never the server's selector labels (the
     Service, the PDB and the NetworkPolicy would then count it as a server pod). */}}
{{- define "arm.testSelectorLabels" -}}
app.kubernetes.io/name: {{ printf "%s-test" (include "arm.name" .) | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: test
{{- end }}

{{- define "arm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "arm.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "arm.image" -}}
{{- $repository := required "image.repository is required: where you pushed the image built from the Dockerfile" .Values.image.repository }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Secrets and where they are mounted.
*/}}
{{- define "arm.configSecretName" -}}
{{- .Values.existingConfigSecret | default (printf "%s-config" (include "arm.fullname" .)) }}
{{- end }}

{{- define "arm.configSecretKey" -}}
{{- if .Values.existingConfigSecret }}{{ .Values.existingConfigSecretKey }}{{ else }}config.yml{{ end }}
{{- end }}

{{- define "arm.configDir" -}}/etc/actions-runner-manager/config{{- end }}

{{- define "arm.privateKeyEnabled" -}}
{{- if or .Values.privateKey.pem .Values.privateKey.existingSecret }}true{{ end }}
{{- end }}

{{- define "arm.privateKeySecretName" -}}
{{- .Values.privateKey.existingSecret | default (printf "%s-app-key" (include "arm.fullname" .)) }}
{{- end }}

{{- define "arm.tlsSecretName" -}}
{{- if .Values.tls.existingSecret }}
{{- .Values.tls.existingSecret }}
{{- else }}
{{- printf "%s-tls" (include "arm.fullname" .) }}
{{- end }}
{{- end }}

{{- define "arm.clientCAPath" -}}
{{- if .Values.tls.clientCA.existingSecret }}
{{- printf "/etc/actions-runner-manager/client-ca/%s" .Values.tls.clientCA.key }}
{{- else }}
{{- printf "%s/%s" (trimSuffix "/" .Values.tls.mountPath) .Values.tls.clientCA.key }}
{{- end }}
{{- end }}

{{/* The scheme the server answers on: probes, ServiceMonitor, NOTES. */}}
{{- define "arm.scheme" -}}
{{- if .Values.tls.enabled }}HTTPS{{ else }}HTTP{{ end }}
{{- end }}

{{- define "arm.portName" -}}
{{- if .Values.tls.enabled }}https{{ else }}http{{ end }}
{{- end }}

{{/* The Redis port for the NetworkPolicy: from redis.url when it names one, else redis.port. */}}
{{- define "arm.redisPort" -}}
{{- $port := .Values.redis.port | int }}
{{- if .Values.redis.url }}
{{- $host := (urlParse .Values.redis.url).host }}
{{- if regexMatch ":[0-9]+$" $host }}
{{- $port = regexFind "[0-9]+$" $host | int }}
{{- end }}
{{- end }}
{{- $port }}
{{- end }}

{{/*
config.yml: the server's configuration file (config.example.yml documents every key), from .Values.config plus
what the chart decides (port, TLS file paths, Redis, metrics port). The private key is NOT in it: it is mounted
as a file and named by ARM_PRIVATE_KEY_FILE.
*/}}
{{- define "arm.configYaml" -}}
{{- $c := deepCopy .Values.config }}
{{- $server := deepCopy (.Values.config.server | default dict) }}
{{- $_ := set $server "port" (.Values.containerPort | int) }}
{{- $tls := dict "enabled" (.Values.tls.enabled | default false) }}
{{- if .Values.tls.enabled }}
{{- $_ := set $tls "certFile" (printf "%s/tls.crt" (trimSuffix "/" .Values.tls.mountPath)) }}
{{- $_ := set $tls "keyFile" (printf "%s/tls.key" (trimSuffix "/" .Values.tls.mountPath)) }}
{{- if .Values.tls.clientCA.enabled }}
{{- $_ := set $tls "clientCAFile" (include "arm.clientCAPath" .) }}
{{- end }}
{{- end }}
{{- $_ := set $server "tls" $tls }}
{{- /* Behind the chart's Ingress, its X-Forwarded-For decides the client address; not with ssl-passthrough, where no header can be added. */}}
{{- $passthrough := eq (toString (index (.Values.ingress.annotations | default dict) "nginx.ingress.kubernetes.io/ssl-passthrough")) "true" }}
{{- if and .Values.ingress.enabled (not $passthrough) (not (hasKey $server "trustProxy")) (not (kindIs "invalid" .Values.ingress.trustProxy)) }}
{{- $_ := set $server "trustProxy" .Values.ingress.trustProxy }}
{{- end }}
{{- $_ := set $c "server" $server }}
{{- if or .Values.redis.url .Values.redis.existingSecret }}
{{- $redis := dict "onError" .Values.redis.onError "connectTimeoutMs" (.Values.redis.connectTimeoutMs | int) "commandTimeoutMs" (.Values.redis.commandTimeoutMs | int) }}
{{- if .Values.redis.url }}
{{- $_ := set $redis "url" .Values.redis.url }}
{{- end }}
{{- $_ := set $c "redis" $redis }}
{{- end }}
{{- if .Values.metrics.port }}
{{- $_ := set $c "metrics" (dict "port" (.Values.metrics.port | int)) }}
{{- end }}
{{- if include "arm.mtls" . }}
{{- $_ := set $server "probePort" (.Values.probes.port | int) }}
{{- end }}
{{- toYaml $c }}
{{- end }}

{{/*
Checks across values that a JSON schema cannot express well, with messages an operator can act on.
*/}}
{{- define "arm.validate" -}}
{{- $grace := .Values.terminationGracePeriodSeconds | int }}
{{- $stop := add (.Values.preStopSleepSeconds | int) ((.Values.config.server).shutdownGraceSeconds | default 20 | int) }}
{{- if and (not .Values.existingConfigSecret) (ge (int $stop) $grace) }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must exceed preStopSleepSeconds + config.server.shutdownGraceSeconds (%d): Kubernetes would kill the server before requests in flight finish" $grace (int $stop)) }}
{{- end }}
{{- if and .Values.tls.enabled (not .Values.tls.existingSecret) (not .Values.tls.certManager.enabled) }}
{{- fail "tls.enabled needs a certificate: set tls.existingSecret (a kubernetes.io/tls Secret) or tls.certManager.enabled" }}
{{- end }}
{{- if and .Values.tls.existingSecret .Values.tls.certManager.enabled }}
{{- fail "set either tls.existingSecret or tls.certManager.enabled, not both" }}
{{- end }}
{{- if and .Values.redis.url .Values.redis.existingSecret }}
{{- fail "set either redis.url or redis.existingSecret, not both" }}
{{- end }}
{{- if and .Values.privateKey.pem .Values.privateKey.existingSecret }}
{{- fail "set either privateKey.pem or privateKey.existingSecret, not both" }}
{{- end }}
{{- if and (not .Values.existingConfigSecret) (not (include "arm.privateKeyEnabled" .)) }}
{{- fail "the App's private key is required: set privateKey.existingSecret (recommended) or privateKey.pem" }}
{{- end }}
{{- if and .Values.github.caBundle .Values.github.caBundleConfigMap.name }}
{{- fail "set either github.caBundle or github.caBundleConfigMap.name, not both" }}
{{- end }}
{{- if and (include "arm.mtls" .) (or (eq (.Values.probes.port | int) (.Values.containerPort | int)) (eq (.Values.probes.port | int) (.Values.metrics.port | default 0 | int))) }}
{{- fail "probes.port must differ from containerPort and metrics.port" }}
{{- end }}
{{- if and .Values.metrics.port (eq (.Values.metrics.port | int) (.Values.containerPort | int)) }}
{{- fail "metrics.port must differ from containerPort (leave it empty to serve /metrics on the main port)" }}
{{- end }}
{{- end }}
