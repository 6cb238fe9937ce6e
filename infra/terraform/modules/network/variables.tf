variable "name" {
  description = "Prefix of every resource name, e.g. ikomek-reference."
  type        = string
}

variable "cidr_block" {
  description = "Address range of the private network."
  type        = string
  default     = "10.40.0.0/16"
}

variable "zone_count" {
  description = "Availability zones (failure domains) to spread over; the database's standby needs at least two."
  type        = number
  default     = 3

  validation {
    condition     = var.zone_count >= 2 && var.zone_count <= 4
    error_message = "zone_count must be between 2 and 4: high availability needs two zones at least."
  }
}

variable "flow_log_retention_days" {
  description = "How long the network's flow logs are kept."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
