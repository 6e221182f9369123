{{/* The chart's name. */}}
{{- define "switchboard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's full name; each service's resources are "<fullname>-<component>". */}}
{{- define "switchboard.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* dict "root" . "component" "gateway-plane" -> the component's resource name. */}}
{{- define "switchboard.componentName" -}}
{{- printf "%s-%s" (include "switchboard.fullname" .root | trunc 48 | trimSuffix "-") .component -}}
{{- end -}}

{{- define "switchboard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every resource of the release. */}}
{{- define "switchboard.labels" -}}
helm.sh/chart: {{ include "switchboard.chart" . }}
app.kubernetes.io/part-of: switchboard
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* dict "root" . "component" "..." -> the selector labels of one service. */}}
{{- define "switchboard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "switchboard.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* dict "root" . "component" "..." -> all labels of one service's resources. */}}
{{- define "switchboard.componentLabels" -}}
{{ include "switchboard.labels" .root }}
{{ include "switchboard.selectorLabels" . }}
{{- end -}}

{{- define "switchboard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "switchboard.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret the services take their secrets from: the existing one, or the chart's. */}}
{{- define "switchboard.secretName" -}}
{{- default (include "switchboard.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* dict "root" . "values" .Values.gatewayPlane -> repository:tag. */}}
{{- define "switchboard.image" -}}
{{- $tag := .values.image.tag | default .root.Values.imageTag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" .values.image.repository (toString $tag) -}}
{{- end -}}

{{/* An env entry from the Secret: dict "root" . "name" "SWITCHBOARD_MASTER_KEY" "key" "master-key". */}}
{{- define "switchboard.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "switchboard.secretName" .root }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}

{{/* The in-cluster names of a Service: dict "root" . "component" "...". */}}
{{- define "switchboard.serviceHosts" -}}
{{- $svc := include "switchboard.componentName" . -}}
{{- $ns := .root.Release.Namespace -}}
{{- list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) | join "," -}}
{{- end -}}

{{/*
One service's Deployment: dict "root" . "component" "gateway-plane" "values" .Values.gatewayPlane "env" <YAML list>
"cache" <bool: an emptyDir for the snapshot cache> "metrics" <bool: /q/metrics for Prometheus>.
*/}}
{{- define "switchboard.deployment" -}}
{{- $root := .root -}}
{{- $v := .values -}}
{{- $sel := include "switchboard.selectorLabels" (dict "root" $root "component" .component) -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "switchboard.componentName" . }}
  labels:
    {{- include "switchboard.componentLabels" . | nindent 4 }}
spec:
  {{- if not (dig "autoscaling" "enabled" false $v) }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- $sel | nindent 6 }}
  template:
    metadata:
      annotations:
        {{- if not $root.Values.secrets.existingSecret }}
        checksum/secret: {{ toYaml $root.Values.secrets | sha256sum }}
        {{- end }}
        {{- if .metrics }}
        prometheus.io/scrape: "true"
        prometheus.io/path: /q/metrics
        prometheus.io/port: {{ $v.port | quote }}
        {{- end }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "switchboard.componentLabels" . | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      {{- if .drain }}
      terminationGracePeriodSeconds: {{ add $root.Values.shutdown.delaySeconds $root.Values.shutdown.timeoutSeconds 5 }}
      {{- end }}
      serviceAccountName: {{ include "switchboard.serviceAccountName" $root }}
      automountServiceAccountToken: {{ $root.Values.serviceAccount.automountServiceAccountToken }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if $v.affinity }}
      affinity:
        {{- toYaml $v.affinity | nindent 8 }}
      {{- else if eq $root.Values.podAntiAffinity "hard" }}
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - topologyKey: {{ $root.Values.podAntiAffinityTopologyKey }}
              labelSelector:
                matchLabels:
                  {{- $sel | nindent 18 }}
      {{- else if eq $root.Values.podAntiAffinity "soft" }}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: {{ $root.Values.podAntiAffinityTopologyKey }}
                labelSelector:
                  matchLabels:
                    {{- $sel | nindent 20 }}
      {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "switchboard.image" . | quote }}
          imagePullPolicy: {{ $root.Values.imagePullPolicy }}
          {{- with $root.Values.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          ports:
            - name: http
              containerPort: {{ $v.port }}
              protocol: TCP
          env:
            - name: QUARKUS_HTTP_PORT
              value: {{ $v.port | quote }}
            {{- with ($v.javaToolOptions | default $root.Values.javaToolOptions) }}
            - name: JAVA_TOOL_OPTIONS
              value: {{ . | quote }}
            {{- end }}
            {{- include "switchboard.secretEnv" (dict "root" $root "name" "SWITCHBOARD_MASTER_KEY" "key" "master-key") | nindent 12 }}
            - name: SWITCHBOARD_NATS_URL
              value: {{ $root.Values.nats.url | quote }}
            {{- if .cache }}
            - name: SWITCHBOARD_SNAPSHOT_CACHE
              value: /var/cache/switchboard/snapshot.json.gz
            # request logs / tool calls a stop could not publish (NATS away) wait here for the next start
            - name: SWITCHBOARD_TELEMETRY_SPOOL_DIR
              value: /var/cache/switchboard/spool
            - name: SWITCHBOARD_TELEMETRY_SPOOL_MAX_BYTES
              value: {{ $root.Values.telemetrySpool.maxBytes | int64 | quote }}
            {{- end }}
            {{- if .drain }}
            - name: QUARKUS_SHUTDOWN_DELAY
              value: {{ printf "%ds" (int $root.Values.shutdown.delaySeconds) | quote }}
            - name: QUARKUS_SHUTDOWN_TIMEOUT
              value: {{ printf "%ds" (int $root.Values.shutdown.timeoutSeconds) | quote }}
            {{- end }}
            {{- with .env }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          readinessProbe:
            httpGet:
              path: /q/health/ready
              port: http
            {{- toYaml $root.Values.probes.readiness | nindent 12 }}
          livenessProbe:
            httpGet:
              path: /q/health/live
              port: http
            {{- toYaml $root.Values.probes.liveness | nindent 12 }}
          startupProbe:
            httpGet:
              path: /q/health/started
              port: http
            {{- toYaml $root.Values.probes.startup | nindent 12 }}
          {{- with $v.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if .cache }}
            - name: cache
              mountPath: /var/cache/switchboard
            {{- end }}
            {{- with $v.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- if .cache }}
        - name: cache
          emptyDir:
            # the snapshot cache (64 MiB is room for the largest configs) and the telemetry spool, which stops itself
            # at telemetrySpool.maxBytes: a pod past its sizeLimit is evicted
            sizeLimit: {{ printf "%dMi" (add 64 (div (int64 $root.Values.telemetrySpool.maxBytes) 1048576)) }}
        {{- end }}
        {{- with $v.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end -}}

{{/* One service's Service: dict "root" . "component" "..." "values" ... */}}
{{- define "switchboard.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "switchboard.componentName" . }}
  labels:
    {{- include "switchboard.componentLabels" . | nindent 4 }}
  {{- with .values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .values.service.type }}
  selector:
    {{- include "switchboard.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .values.service.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{/* One service's Ingress, when enabled: dict "root" . "component" "..." "values" ... */}}
{{- define "switchboard.ingress" -}}
{{- $v := .values -}}
{{- $svc := include "switchboard.componentName" . -}}
{{- if $v.ingress.enabled }}
{{- if not $v.ingress.hosts }}
{{- fail (printf "%s.ingress.enabled needs at least one entry in ingress.hosts" .key) }}
{{- end }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $svc }}
  labels:
    {{- include "switchboard.componentLabels" . | nindent 4 }}
  {{- with $v.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with $v.ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- with $v.ingress.tls }}
  tls:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    {{- range $v.ingress.hosts }}
    - host: {{ .host | quote }}
      http:
        paths:
          {{- range (.paths | default (list (dict "path" "/" "pathType" "Prefix"))) }}
          - path: {{ .path }}
            pathType: {{ .pathType | default "Prefix" }}
            backend:
              service:
                name: {{ $svc }}
                port:
                  name: http
          {{- end }}
    {{- end }}
{{- end }}
{{- end -}}

{{/* One service's PodDisruptionBudget, when enabled and it runs more than one replica (at least, under an HPA). */}}
{{- define "switchboard.pdb" -}}
{{- $v := .values -}}
{{- $autoscaled := dig "autoscaling" "enabled" false $v -}}
{{- $least := ternary (int (dig "autoscaling" "minReplicas" 1 $v)) (int $v.replicaCount) $autoscaled -}}
{{- if and $v.podDisruptionBudget.enabled (gt $least 1) }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "switchboard.componentName" . }}
  labels:
    {{- include "switchboard.componentLabels" . | nindent 4 }}
spec:
  minAvailable: {{ $v.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      {{- include "switchboard.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}


{{/* One service's HorizontalPodAutoscaler, when enabled: dict "root" . "component" "..." "key" "..." "values" ... */}}
{{- define "switchboard.hpa" -}}
{{- $a := .values.autoscaling -}}
{{- if $a.enabled }}
{{- if gt (int $a.minReplicas) (int $a.maxReplicas) }}
{{- fail (printf "%s.autoscaling.minReplicas (%d) must not exceed maxReplicas (%d)" .key (int $a.minReplicas) (int $a.maxReplicas)) }}
{{- end }}
{{- if and (not $a.targetCPUUtilizationPercentage) (not $a.customMetric.name) }}
{{- fail (printf "%s.autoscaling needs a target: targetCPUUtilizationPercentage or customMetric.name" .key) }}
{{- end }}
{{- if and $a.customMetric.name (not $a.customMetric.averageValue) }}
{{- fail (printf "%s.autoscaling.customMetric.averageValue is needed with customMetric.name" .key) }}
{{- end }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "switchboard.componentName" . }}
  labels:
    {{- include "switchboard.componentLabels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "switchboard.componentName" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    {{- with $a.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- if $a.customMetric.name }}
    - type: Pods
      pods:
        metric:
          name: {{ $a.customMetric.name }}
        target:
          type: AverageValue
          averageValue: {{ $a.customMetric.averageValue | toString | quote }}
    {{- end }}
  {{- with $a.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* A ServiceMonitor for one service's /q/metrics, when enabled: dict "root" . "component" "..." "values" ... */}}
{{- define "switchboard.serviceMonitor" -}}
{{- $m := .root.Values.serviceMonitor -}}
{{- if $m.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "switchboard.componentName" . }}
  labels:
    {{- include "switchboard.componentLabels" . | nindent 4 }}
    {{- with $m.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "switchboard.selectorLabels" . | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ .root.Release.Namespace }}
  endpoints:
    - port: http
      path: /q/metrics
      interval: {{ $m.interval }}
      scrapeTimeout: {{ $m.scrapeTimeout }}
{{- end }}
{{- end -}}

{{/* A NetworkPolicy admitting networkPolicy.<key>.from to one service's port: dict "root" . "component" "..." "key" "..." "values" ... */}}
{{- define "switchboard.networkPolicy" -}}
{{- $np := .root.Values.networkPolicy -}}
{{- if $np.enabled }}
{{- $from := (get $np .key).from }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "switchboard.componentName" . }}
  labels:
    {{- include "switchboard.componentLabels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "switchboard.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
  ingress:
    - ports:
        - port: {{ .values.port }}
          protocol: TCP
      {{- with $from }}
      from:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
{{- end -}}
