output "load_balancer_dns_name" {
  description = "Point the apex and *.<domain> here when DNS is not managed in this account."
  value       = module.compute.load_balancer_dns_name
}

output "certificate_validation_records" {
  description = "DNS records proving the domain for the wildcard certificate."
  value       = module.compute.certificate_validation_records
}

output "keycloak_url" {
  description = "Keycloak's public URL."
  value       = module.identity.url
}

output "secret_refs" {
  description = "Where each secret lives (references, never values); the ones marked `set by hand` are filled by an administrator."
  value = {
    database          = module.database.connection_secret_ref
    keycloak_database = module.identity_database.connection_secret_ref
    cache             = module.cache.connection_secret_ref
    django_secret_key = aws_secretsmanager_secret.django_secret_key.arn
    keycloak_admin    = module.identity.admin_secret_ref
    keycloak_clients  = "${module.identity.clients_secret_ref} (set by hand)"
    sentry_dsn        = "${aws_secretsmanager_secret.sentry_dsn.arn} (set by hand)"
  }
}

output "attachments_bucket" {
  description = "The attachments bucket."
  value       = module.object_storage.bucket_name
}

output "manage_task" {
  description = "Run management commands (migrate_platform, seed_region) with this task definition, cluster and subnets."
  value = {
    task_definition = module.compute.manage_task_definition
    cluster         = module.compute.cluster_name
    subnets         = module.compute.private_subnet_ids
    security_group  = module.compute.services_access_group_id
  }
}

output "alarm_names" {
  description = "The alarms by provider-neutral name."
  value       = module.monitoring.alarm_names
}

output "alarm_topic_ref" {
  description = "Topic the alarms notify."
  value       = module.monitoring.alarm_topic_ref
}
