variable "name" {
  description = "Prefix of every resource name, e.g. ikomek-reference."
  type        = string
}

variable "network_id" {
  description = "The private network (network module's network_id)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets Keycloak runs in."
  type        = list(string)
}

variable "cluster_id" {
  description = "Cluster to run in (compute module's cluster_id)."
  type        = string
}

variable "https_listener_ref" {
  description = "The HTTPS listener whose wildcard certificate covers the hostname (compute module)."
  type        = string
}

variable "load_balancer_access_group_id" {
  description = "Security group of the load balancer (compute module)."
  type        = string
}

variable "hostname" {
  description = "Keycloak's one public hostname, pinned (the issuer the platform accepts), e.g. login.ikomek.kz."
  type        = string
}

variable "realm" {
  description = "Realm the platform uses."
  type        = string
  default     = "ikomek"
}

variable "image" {
  description = "Keycloak 26 image pinned by digest (quay.io/keycloak/keycloak@sha256:...), ideally built with `kc.sh build --db=postgres --health-enabled=true`."
  type        = string

  validation {
    condition     = can(regex("@sha256:[0-9a-f]{64}$", var.image))
    error_message = "Pin the Keycloak image by digest (…@sha256:<64 hex>)."
  }
}

variable "database_secret_ref" {
  description = "Secret with Keycloak's own database connection (JSON keys jdbc_url, username, password)."
  type        = string
}

variable "database_secret_encryption_key_ref" {
  description = "Key of that secret."
  type        = string
}

variable "database_access_group_id" {
  description = "Access group of Keycloak's database."
  type        = string
}

variable "cpu" {
  description = "CPU units per Keycloak task."
  type        = number
  default     = 1024
}

variable "memory" {
  description = "Memory (MiB) per Keycloak task."
  type        = number
  default     = 2048
}

variable "min_tasks" {
  description = "Keycloak tasks at least (they form one cluster; two survive a zone)."
  type        = number
  default     = 2

  validation {
    condition     = var.min_tasks >= 2
    error_message = "Two Keycloak tasks at least: every sign-in and token check depends on it."
  }
}

variable "max_tasks" {
  description = "Keycloak tasks at most."
  type        = number
  default     = 4
}

variable "listener_rule_priority" {
  description = "Priority of the host rule on the shared listener."
  type        = number
  default     = 10
}

variable "credentials_version" {
  description = "Bump to generate a new bootstrap administrator password."
  type        = number
  default     = 1
}

variable "log_retention_days" {
  description = "How long Keycloak's logs are kept."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
