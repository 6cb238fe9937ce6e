output "host" {
  description = "Address of the primary (follows a failover to the standby)."
  value       = aws_db_instance.primary.address
}

output "port" {
  description = "PostgreSQL port."
  value       = local.port
}

output "database_name" {
  description = "The application's database."
  value       = var.database_name
}

output "connection_secret_ref" {
  description = "Reference of the secret holding the connection (JSON keys url, jdbc_url, host, port, dbname, username, password); never the value."
  value       = aws_secretsmanager_secret.connection.arn
}

output "secret_encryption_key_ref" {
  description = "Key that encrypts the connection secret (readers need decrypt on it)."
  value       = aws_kms_key.this.arn
}

output "client_access_group_id" {
  description = "Services that join this group may connect to the database."
  value       = aws_security_group.clients.id
}

output "primary_id" {
  description = "Identifier of the primary, for alarms."
  value       = aws_db_instance.primary.identifier
}

output "replica_ids" {
  description = "Identifiers of the read replicas, for replication-lag alarms."
  value       = aws_db_instance.replica[*].identifier
}

output "high_availability" {
  description = "Whether the primary has a standby in another zone."
  value       = aws_db_instance.primary.multi_az
}

output "backup_retention_days" {
  description = "How far back point-in-time recovery reaches."
  value       = aws_db_instance.primary.backup_retention_period
}

output "encrypted_at_rest_with" {
  description = "Key that encrypts the storage, snapshots and backups."
  value       = aws_db_instance.primary.kms_key_id
}
