variable "name" {
  description = "Prefix of every resource name, e.g. ikomek-reference."
  type        = string
}

variable "cidr_block" {
  description = "Address range of the private network."
  type        = string
  default     = "10.40.0.0/16"
}

variable "zones" {
  description = "Availability zones (failure domains) to spread over, named explicitly so the set never changes by itself; the database's standby needs two at least."
  type        = list(string)

  validation {
    condition     = length(var.zones) >= 2 && length(var.zones) <= 4 && length(distinct(var.zones)) == length(var.zones)
    error_message = "Give two to four distinct zones: high availability needs two at least."
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
