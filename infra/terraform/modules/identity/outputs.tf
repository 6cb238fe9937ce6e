output "url" {
  description = "Keycloak's public URL (the platform's KEYCLOAK_URL)."
  value       = "https://${var.hostname}"
}

output "issuer" {
  description = "The only issuer the platform accepts."
  value       = "https://${var.hostname}/realms/${var.realm}"
}

output "admin_secret_ref" {
  description = "Secret of the bootstrap administrator (JSON keys username, password); never the value."
  value       = aws_secretsmanager_secret.admin.arn
}

output "clients_secret_ref" {
  description = "Secret an administrator fills with the platform's client secrets (JSON keys web, provisioner)."
  value       = aws_secretsmanager_secret.clients.arn
}

output "secret_encryption_key_ref" {
  description = "Key of those secrets (readers need decrypt on it)."
  value       = aws_kms_key.this.arn
}

output "service_name" {
  description = "Keycloak's service in the cluster."
  value       = aws_ecs_service.this.name
}

output "target_metrics_id" {
  description = "Identifier of Keycloak's target group in the load balancer's metrics."
  value       = aws_lb_target_group.this.arn_suffix
}
