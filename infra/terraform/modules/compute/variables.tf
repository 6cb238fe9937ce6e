variable "name" {
  description = "Prefix of every resource name, e.g. ikomek-reference."
  type        = string
}

variable "network_id" {
  description = "The private network (network module's network_id)."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the load balancer."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Subnets of the services."
  type        = list(string)
}

variable "domain" {
  description = "Apex domain: the region at the apex, each akimat at <slug>.<domain>, Keycloak at login.<domain>."
  type        = string
}

variable "dns_zone_id" {
  description = "DNS zone of the domain to validate the certificate and point the names at the load balancer; null when the zone is elsewhere (create the records from the outputs)."
  type        = string
  default     = null
}

variable "image" {
  description = "The platform's one OCI image, pinned by digest (repository@sha256:...): web, workers, beat and management commands."
  type        = string

  validation {
    condition     = can(regex("@sha256:[0-9a-f]{64}$", var.image))
    error_message = "Pin the image by digest (…@sha256:<64 hex>): a tag can move under a running service."
  }
}

variable "environment" {
  description = "Plain settings of the platform (never secrets)."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Settings read from the secret store at start: variable name => { ref = secret reference, key = JSON key or null for the whole value }."
  type = map(object({
    ref = string
    key = optional(string)
  }))
  default = {}
}

variable "secret_encryption_key_refs" {
  description = "Keys that encrypt those secrets (the services need decrypt on them)."
  type        = list(string)
  default     = []
}

variable "access_group_ids" {
  description = "Access groups the services join (database and cache client groups)."
  type        = list(string)
  default     = []
}

variable "task_policies" {
  description = "Extra permissions of the running platform: name => policy document (JSON), e.g. the attachments bucket."
  type        = map(string)
  default     = {}
}

variable "web" {
  description = "Web service (gunicorn sizes its workers by the task's CPUs): task size and autoscaling bounds."
  type = object({
    cpu                = optional(number, 1024)
    memory             = optional(number, 2048)
    min_tasks          = optional(number, 2)
    max_tasks          = optional(number, 10)
    cpu_target         = optional(number, 60)
    requests_per_task  = optional(number, 1000)
    health_check_path  = optional(string, "/healthz")
    container_port     = optional(number, 8000)
    deregistration_s   = optional(number, 30)
    health_check_grace = optional(number, 60)
  })
  default = {}

  validation {
    condition     = var.web.min_tasks >= 2 && var.web.max_tasks >= var.web.min_tasks
    error_message = "The web runs two tasks at least (one per zone) and max_tasks >= min_tasks."
  }
}

variable "worker_pools" {
  description = "Celery worker services: pool name => the queues it consumes (settings.CELERY_TASK_QUEUES), concurrency, task size, autoscaling bounds and the queue depth per task to aim at."
  type = map(object({
    queues         = list(string)
    concurrency    = optional(number, 2)
    cpu            = optional(number, 512)
    memory         = optional(number, 1024)
    min_tasks      = optional(number, 1)
    max_tasks      = optional(number, 6)
    cpu_target     = optional(number, 70)
    depth_per_task = optional(number, 50)
  }))
  default = {
    default = { queues = ["celery"] }
    urgent  = { queues = ["urgent"], min_tasks = 2, depth_per_task = 5 }
    cad     = { queues = ["cad"], min_tasks = 2, concurrency = 4, depth_per_task = 10 }
    # Integrators' webhooks: slow or down receivers wait here, never in front of other work.
    webhooks = { queues = ["webhooks"], concurrency = 4, depth_per_task = 100 }
  }

  validation {
    condition     = alltrue([for pool in values(var.worker_pools) : pool.min_tasks >= 1 && pool.max_tasks >= pool.min_tasks])
    error_message = "Every worker pool runs one task at least and max_tasks >= min_tasks."
  }
}

variable "beat" {
  description = "Task size of Celery beat (always exactly one task)."
  type = object({
    cpu    = optional(number, 256)
    memory = optional(number, 512)
  })
  default = {}
}

variable "metrics_namespace" {
  description = "Namespace of the platform's own metrics (QueueDepth per Queue drives the workers' scaling)."
  type        = string
  default     = "iKOMEK"
}

variable "log_retention_days" {
  description = "How long the services' logs are kept."
  type        = number
  default     = 365
}

variable "tls_policy" {
  description = "TLS policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "requests_per_ip_per_5_minutes" {
  description = "Requests one address may make in five minutes before the firewall blocks it (call centres sit behind one address: keep it generous)."
  type        = number
  default     = 6000
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
