variable "name" {
  description = "Prefix of every resource name and of the alarms' names, e.g. ikomek-reference."
  type        = string
}

variable "alarm_emails" {
  description = "Addresses the alarms are mailed to (each confirms its subscription once)."
  type        = list(string)
  default     = []
}

variable "load_balancer_metrics_id" {
  description = "The load balancer in its metrics (compute module's load_balancer_metrics_id)."
  type        = string
}

variable "web_target_metrics_id" {
  description = "The web's target group in the load balancer's metrics (compute module's web_target_metrics_id)."
  type        = string
}

variable "platform_log_group" {
  description = "Log group of the platform's JSON logs, where its operational metrics are logged (infra/README.md, the metrics contract)."
  type        = string
}

variable "metrics_namespace" {
  description = "Namespace of the platform's own metrics."
  type        = string
  default     = "iKOMEK"
}

variable "database_replica_ids" {
  description = "Read replicas whose replication lag is alarmed on (database modules' replica_ids)."
  type        = list(string)
  default     = []
}

variable "queues" {
  description = "Celery queues (settings.CELERY_TASK_QUEUES) => tasks waiting that raise the alarm."
  type        = map(number)
  default = {
    celery = 500
    urgent = 20
    cad    = 50
    # Integrators' webhooks pile up while a receiver is down: a backlog that size is a receiver's
    # outage or a stuck pool, not one slow call.
    webhooks = 2000
  }
}

variable "http_5xx_percent" {
  description = "Share of requests answered 5xx (by the platform or the load balancer) that raises the alarm, in percent."
  type        = number
  default     = 2
}

variable "latency_p99_seconds" {
  description = "99th percentile of the web's response time that raises the alarm."
  type        = number
  default     = 2
}

variable "relay_lag_seconds" {
  description = "Age of the oldest undelivered federation message that raises the alarm."
  type        = number
  default     = 300
}

variable "dead_letters" {
  description = "Dead letters (federation messages given up on) above which the alarm is raised."
  type        = number
  default     = 0
}

variable "replication_lag_seconds" {
  description = "Replica lag behind the primary that raises the alarm."
  type        = number
  default     = 60
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
