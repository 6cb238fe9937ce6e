variable "name" {
  description = "Prefix of every resource name, e.g. ikomek-reference; bucket names add a suffix."
  type        = string
}

variable "bucket_name" {
  description = "Globally unique name of the attachments bucket."
  type        = string
}

variable "noncurrent_version_days" {
  description = "Days an overwritten or deleted attachment stays recoverable."
  type        = number
  default     = 90
}

variable "access_log_retention_days" {
  description = "How long the bucket's access logs are kept."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
