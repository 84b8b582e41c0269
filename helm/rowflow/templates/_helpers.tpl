{{- define "rowflow.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "rowflow.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "rowflow.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "rowflow.databaseSecret" -}}
{{- default (printf "%s-database" (include "rowflow.fullname" .)) .Values.database.existingSecret -}}
{{- end -}}

{{- define "rowflow.metricsSecret" -}}
{{- default (printf "%s-metrics" (include "rowflow.fullname" .)) .Values.metrics.existingSecret -}}
{{- end -}}

{{- define "rowflow.vaultSecret" -}}
{{- default (printf "%s-vault" (include "rowflow.fullname" .)) .Values.vault.existingSecret -}}
{{- end -}}

{{/* The Secret with sign-in credentials: the given existing one, else the chart's own. Args: (list . existingSecret) */}}
{{- define "rowflow.authSecret" -}}
{{- $root := index . 0 -}}
{{- default (printf "%s-auth" (include "rowflow.fullname" $root)) (index . 1) -}}
{{- end -}}
