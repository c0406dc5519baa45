{{- define "gatehouse.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "gatehouse.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "gatehouse.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "gatehouse.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one plane: call with (dict "root" $ "component" "gateway"). */}}
{{- define "gatehouse.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gatehouse.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "gatehouse.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "gatehouse.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "gatehouse.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The pod's grace: the calls' grace period, the writers' flush (10 s), the preStop pause and a margin. */}}
{{- define "gatehouse.terminationGracePeriodSeconds" -}}
{{ add .Values.shutdown.gracePeriodSeconds 10 .Values.shutdown.preStopSleepSeconds 5 }}
{{- end -}}

{{/* Settings both planes share: the database, the key service, identity, the lifecycle. */}}
{{- define "gatehouse.commonEnv" -}}
- name: GATEHOUSE_DATA_DIR
  value: /tmp/gatehouse-data
- name: GATEHOUSE_DATABASE_MODE
  value: external
- name: GATEHOUSE_DATABASE_URL
  value: {{ required "postgresql.url is required (jdbc:postgresql://host:5432/gatehouse)" .Values.postgresql.url | quote }}
- name: GATEHOUSE_DATABASE_USERNAME
  valueFrom:
    secretKeyRef: {name: {{ .Values.postgresql.existingSecret }}, key: {{ .Values.postgresql.usernameKey }}}
- name: GATEHOUSE_DATABASE_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ .Values.postgresql.existingSecret }}, key: {{ .Values.postgresql.passwordKey }}}
- name: GATEHOUSE_CRYPTO_VAULT_URL
  value: {{ required "vault.url is required: replicas share tenant keys through Vault Transit" .Values.vault.url | quote }}
- name: GATEHOUSE_CRYPTO_VAULT_ROLE_ID
  valueFrom:
    secretKeyRef: {name: {{ .Values.vault.existingSecret }}, key: {{ .Values.vault.roleIdKey }}}
- name: GATEHOUSE_CRYPTO_VAULT_SECRET_ID
  valueFrom:
    secretKeyRef: {name: {{ .Values.vault.existingSecret }}, key: {{ .Values.vault.secretIdKey }}}
{{- if .Values.vault.caConfigMap }}
- name: GATEHOUSE_CRYPTO_VAULT_CA_CERTIFICATE
  value: /etc/gatehouse/vault-ca/ca.crt
{{- end }}
{{- if .Values.keycloak.url }}
- name: GATEHOUSE_KEYCLOAK_SERVER_URL
  value: {{ .Values.keycloak.url | quote }}
- name: GATEHOUSE_KEYCLOAK_REALM
  value: {{ .Values.keycloak.realm | quote }}
- name: GATEHOUSE_KEYCLOAK_AUDIENCE
  value: {{ .Values.keycloak.audience | quote }}
{{- end }}
- name: GATEHOUSE_MANAGEMENT_PORT
  value: {{ .Values.managementPort | quote }}
- name: GATEHOUSE_SHUTDOWN_GRACE_PERIOD
  value: {{ printf "%ds" (int .Values.shutdown.gracePeriodSeconds) | quote }}
- name: GATEHOUSE_BUILTIN_BACKENDS_ENABLED
  value: "false"
{{- if .Values.catalog.allowedBackendNetworks }}
- name: GATEHOUSE_CATALOG_ALLOWED_BACKEND_NETWORKS
  value: {{ .Values.catalog.allowedBackendNetworks | quote }}
{{- else }}
- name: GATEHOUSE_CATALOG_ALLOWED_BACKEND_NETWORKS
  value: ""
{{- end }}
{{- end -}}

{{/* Probes on the management port, never on the API port. */}}
{{- define "gatehouse.probes" -}}
startupProbe:
  httpGet: {path: /actuator/health/liveness, port: management}
  periodSeconds: 2
  failureThreshold: 90
livenessProbe:
  httpGet: {path: /actuator/health/liveness, port: management}
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /actuator/health/readiness, port: management}
  periodSeconds: 5
  failureThreshold: 2
{{- end -}}

{{- define "gatehouse.lifecycle" -}}
lifecycle:
  preStop:
    sleep: {seconds: {{ .Values.shutdown.preStopSleepSeconds }}}
{{- end -}}

{{- define "gatehouse.volumeMounts" -}}
- {name: tmp, mountPath: /tmp}
{{- if .Values.vault.caConfigMap }}
- {name: vault-ca, mountPath: /etc/gatehouse/vault-ca, readOnly: true}
{{- end }}
{{- end -}}

{{- define "gatehouse.volumes" -}}
- name: tmp
  emptyDir: {}
{{- if .Values.vault.caConfigMap }}
- name: vault-ca
  configMap: {name: {{ .Values.vault.caConfigMap }}}
{{- end }}
{{- end -}}
