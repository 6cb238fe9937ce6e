variable "region" {
  description = "Provider region. Citizens' personal data must stay on servers in Kazakhstan: a foreign region suits a demonstration with synthetic data only (infra/README.md)."
  type        = string
  default     = "eu-central-1"
}

variable "name" {
  description = "Name of this environment, the prefix of its resources."
  type        = string
  default     = "ikomek-reference"
}

variable "domain" {
  description = "Apex domain: the region there, each akimat at <slug>.<domain>, Keycloak at login.<domain>."
  type        = string
  default     = "ikomek.kz"
}

variable "dns_zone_id" {
  description = "DNS zone of the domain, when it is managed in this account; null to create the records elsewhere from the outputs."
  type        = string
  default     = null
}

variable "platform_image" {
  description = "The platform's OCI image, pinned by digest."
  type        = string
}

variable "keycloak_image" {
  description = "Keycloak 26 image, pinned by digest."
  type        = string
}

variable "attachments_bucket" {
  description = "Globally unique name of the attachments bucket."
  type        = string
  default     = "ikomek-reference-attachments"
}

variable "alarm_emails" {
  description = "Addresses the alarms are mailed to."
  type        = list(string)
  default     = []
}

variable "credentials_version" {
  description = "Bump to rotate the generated credentials (database, cache, Django's secret key) in one apply."
  type        = number
  default     = 1
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
