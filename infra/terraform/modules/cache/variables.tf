variable "name" {
  description = "Prefix of every resource name, e.g. ikomek-reference."
  type        = string
}

variable "network_id" {
  description = "The private network (network module's network_id)."
  type        = string
}

variable "subnet_ids" {
  description = "Isolated subnets in at least two zones (network module's data_subnet_ids)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "The cache needs subnets in two zones at least for its replica."
  }
}

variable "redis_version" {
  description = "Redis engine version."
  type        = string
  default     = "7.1"
}

variable "node_size" {
  description = "Machine size of each node."
  type        = string
  default     = "cache.m6g.large"
}

variable "node_count" {
  description = "Primary plus replicas, one per zone; two at least for automatic failover."
  type        = number
  default     = 2

  validation {
    condition     = var.node_count >= 2
    error_message = "Two nodes at least: the broker must survive the loss of a zone."
  }
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots."
  type        = number
  default     = 7
}

variable "credentials_version" {
  description = "Bump to rotate the AUTH token (the cache and its secret change in one apply)."
  type        = number
  default     = 1
}

variable "log_retention_days" {
  description = "How long the slow log is kept."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
