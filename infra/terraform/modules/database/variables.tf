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
    error_message = "The database needs subnets in two zones at least for its standby."
  }
}

variable "postgres_version" {
  description = "PostgreSQL major version; the platform needs 15 with PostGIS 3 (Django creates the extension at the first migrate)."
  type        = string
  default     = "15"

  validation {
    condition     = can(regex("^15(\\.[0-9]+)?$", var.postgres_version))
    error_message = "The platform is built and tested on PostgreSQL 15."
  }
}

variable "database_name" {
  description = "Name of the database the application owns."
  type        = string
  default     = "ikomek"
}

variable "username" {
  description = "The owner role the application connects as (it creates the postgis extension and the tenants' schemas)."
  type        = string
  default     = "ikomek"
}

variable "instance_size" {
  description = "Machine size of the primary (and its standby and replicas)."
  type        = string
  default     = "db.m6g.large"
}

variable "storage_gb" {
  description = "Initial storage; it grows by itself up to max_storage_gb."
  type        = number
  default     = 100
}

variable "max_storage_gb" {
  description = "Ceiling of automatic storage growth."
  type        = number
  default     = 1000
}

variable "high_availability" {
  description = "A synchronous standby in another zone with automatic failover."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups; point-in-time recovery reaches back this far."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "Keep 7 to 35 days of backups: point-in-time recovery needs them."
  }
}

variable "replica_count" {
  description = "Asynchronous read replicas in other zones (their lag is alarmed on)."
  type        = number
  default     = 0
}

variable "credentials_version" {
  description = "Bump to rotate the password: one apply writes a new one to the database and its secret."
  type        = number
  default     = 1
}

variable "log_retention_days" {
  description = "How long the database's logs are kept."
  type        = number
  default     = 365
}

variable "deletion_protection" {
  description = "Refuse to delete the database (turn off only to tear a test environment down)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
