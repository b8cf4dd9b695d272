{{/*
Shared pieces of the ALA chart: names, labels, the NATS URL, placement on a device, and the pod
template every service workload uses (one image, command = the service name, settings from
ConfigMaps, credentials from Secrets as files, probes on /healthz and /readyz).
*/}}

{{- define "ala.name" -}}
{{- printf "%s-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ala.selectorLabels" -}}
app.kubernetes.io/name: ala
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ala.labels" -}}
{{ include "ala.selectorLabels" . }}
app.kubernetes.io/part-of: ala
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* The metrics/health port of each service (interfaces: fixed per service). */}}
{{- define "ala.metricsPort" -}}
{{- $ports := dict "actor-runner" 9461 "ppo-learner" 9462 "advisor-worker" 9463 "vote-aggregator" 9464 "bias-router" 9465 -}}
{{- get $ports . -}}
{{- end -}}

{{- define "ala.natsUrl" -}}
{{- if .Values.externalNats.url -}}
{{- .Values.externalNats.url -}}
{{- else if .Values.nats.enabled -}}
{{- printf "nats://%s-nats:4222" .Release.Name -}}
{{- else -}}
{{- fail "NATS: set externalNats.url or nats.enabled=true" -}}
{{- end -}}
{{- end -}}

{{- define "ala.natsCredsSecret" -}}
{{- .Values.natsAuth.existingSecret | default (printf "%s-nats-creds" .Release.Name) -}}
{{- end -}}

{{- define "ala.llmSecret" -}}
{{- .Values.llm.existingSecret | default (printf "%s-llm" .Release.Name) -}}
{{- end -}}

{{/*
Placement of a pod on a device: dict "root" $ "v" <component values>. Emits pod-spec fields.
*/}}
{{- define "ala.placement" -}}
{{- $root := .root -}}
{{- $v := .v -}}
{{- $mode := $root.Values.placement.mode -}}
{{- $key := $root.Values.placement.labelKey -}}
{{- $dev := dict -}}
{{- if $v.device -}}
{{- if not (hasKey $root.Values.devices $v.device) -}}
{{- fail (printf "device %q is not one of the devices in values (%s)" $v.device (keys $root.Values.devices | sortAlpha | join ", ")) -}}
{{- end -}}
{{- $dev = get $root.Values.devices $v.device -}}
{{- end -}}
{{- $nodeSelector := merge (deepCopy ($v.nodeSelector | default dict)) (deepCopy ($dev.nodeSelector | default dict)) -}}
{{- if and $v.device (eq $mode "nodeSelector") -}}
{{- $_ := set $nodeSelector $key $v.device -}}
{{- end -}}
{{- with $nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if not (has $mode (list "nodeSelector" "required" "preferred" "none")) -}}
{{- fail (printf "placement.mode must be nodeSelector, required, preferred or none (got %q)" $mode) -}}
{{- end -}}
{{- /* the component's own affinity, plus node affinity to its device unless it sets its own */ -}}
{{- $affinity := deepCopy ($v.affinity | default dict) -}}
{{- if and $v.device (not (hasKey $affinity "nodeAffinity")) -}}
{{- $term := dict "matchExpressions" (list (dict "key" $key "operator" "In" "values" (list $v.device))) -}}
{{- if eq $mode "required" -}}
{{- $_ := set $affinity "nodeAffinity" (dict "requiredDuringSchedulingIgnoredDuringExecution" (dict "nodeSelectorTerms" (list $term))) -}}
{{- else if eq $mode "preferred" -}}
{{- $_ := set $affinity "nodeAffinity" (dict "preferredDuringSchedulingIgnoredDuringExecution" (list (dict "weight" 100 "preference" $term))) -}}
{{- end -}}
{{- end -}}
{{- with $affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- $tolerations := concat ($dev.tolerations | default list) ($v.tolerations | default list) -}}
{{- with $tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with ($v.runtimeClassName | default $dev.runtimeClassName) }}
runtimeClassName: {{ . }}
{{- end }}
{{- end -}}

{{/*
The pod template of a service: dict
  "root" $, "component" (resource name suffix), "service" (the `ala` command), "identity" (NATS
  nkey identity), "v" (component values), "configMap" (its settings), "env" (extra env list),
  "volumes" and "mounts" (extra lists).
*/}}
{{- define "ala.podTemplate" -}}
{{- $root := .root -}}
{{- $v := .v -}}
{{- $port := include "ala.metricsPort" .service -}}
{{- $env := concat (.env | default list) list -}}
{{- $mounts := concat (.mounts | default list) list -}}
{{- $volumes := concat (.volumes | default list) list -}}
{{- if $root.Values.natsAuth.enabled -}}
{{- $env = append $env (dict "name" "ALA_NATS_NKEY_SEED_FILE" "value" (printf "/etc/ala/nats/%s.nk" .identity)) -}}
{{- $mounts = append $mounts (dict "name" "nats-creds" "mountPath" "/etc/ala/nats" "readOnly" true) -}}
{{- $items := list (dict "key" (printf "%s.nk" .identity) "path" (printf "%s.nk" .identity)) -}}
{{- $volumes = append $volumes (dict "name" "nats-creds" "secret" (dict "secretName" (include "ala.natsCredsSecret" $root) "defaultMode" 256 "items" $items)) -}}
{{- end -}}
{{- with $root.Values.natsTls.existingSecret -}}
{{- $env = append $env (dict "name" "ALA_NATS_TLS_CA_FILE" "value" "/etc/ala/tls/ca.crt") -}}
{{- if $root.Values.natsTls.clientCertificate -}}
{{- $env = append $env (dict "name" "ALA_NATS_TLS_CERT_FILE" "value" "/etc/ala/tls/tls.crt") -}}
{{- $env = append $env (dict "name" "ALA_NATS_TLS_KEY_FILE" "value" "/etc/ala/tls/tls.key") -}}
{{- end -}}
{{- $mounts = append $mounts (dict "name" "nats-tls" "mountPath" "/etc/ala/tls" "readOnly" true) -}}
{{- $volumes = append $volumes (dict "name" "nats-tls" "secret" (dict "secretName" . "defaultMode" 256)) -}}
{{- end -}}
{{- $placement := include "ala.placement" (dict "root" $root "v" $v) | trim -}}
metadata:
  labels:
    {{- include "ala.selectorLabels" . | nindent 4 }}
    app.kubernetes.io/part-of: ala
    # the kind of service (an advisor's component is advisor-<name>): Prometheus' `job` label
    ala.dev/service: {{ .service }}
    {{- with $root.Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ $port | quote }}
    prometheus.io/path: /metrics
    checksum/config: {{ include (print $root.Template.BasePath "/configmaps.yaml") $root | sha256sum }}
    checksum/secrets: {{ include (print $root.Template.BasePath "/secrets.yaml") $root | sha256sum }}
    {{- with $root.Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  terminationGracePeriodSeconds: {{ add (div (int $root.Values.shutdownTimeoutMs) 1000) 5 }}
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.podSecurityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $placement }}
  {{- . | nindent 2 }}
  {{- end }}
  containers:
    - name: {{ .service }}
      image: "{{ $root.Values.image.repository }}:{{ $root.Values.image.tag }}"
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      args: [{{ .service | quote }}]
      envFrom:
        - configMapRef:
            name: {{ $root.Release.Name }}-common
        - configMapRef:
            name: {{ .configMap }}
      {{- with $env }}
      env:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      ports:
        - name: metrics
          containerPort: {{ $port }}
      startupProbe:
        httpGet: { path: /healthz, port: metrics }
        {{- toYaml $root.Values.probes.startup | nindent 8 }}
      livenessProbe:
        httpGet: { path: /healthz, port: metrics }
        {{- toYaml $root.Values.probes.liveness | nindent 8 }}
      readinessProbe:
        httpGet: { path: /readyz, port: metrics }
        {{- toYaml $root.Values.probes.readiness | nindent 8 }}
      {{- with $v.resources }}
      resources:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.securityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $mounts }}
      volumeMounts:
        {{- toYaml . | nindent 8 }}
      {{- end }}
  {{- with $volumes }}
  volumes:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* A component's Service (metrics port, for ServiceMonitor and DNS) and its PDB: dict "root" "component" "service". */}}
{{- define "ala.serviceAndPdb" -}}
{{- $root := .root -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "ala.name" . }}
  labels:
    {{- include "ala.labels" . | nindent 4 }}
    ala.dev/service: {{ .service }}
spec:
  {{- if .headless }}
  clusterIP: None
  {{- end }}
  selector:
    {{- include "ala.selectorLabels" . | nindent 4 }}
  ports:
    - name: metrics
      port: {{ include "ala.metricsPort" .service }}
      targetPort: metrics
{{- if $root.Values.pdb.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "ala.name" . }}
  labels:
    {{- include "ala.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ $root.Values.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "ala.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}
