output "endpoint" {
  description = "Address of the primary (moves to the replica on failover)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "port" {
  description = "Redis port (TLS)."
  value       = local.port
}

output "connection_secret_ref" {
  description = "Reference of the secret holding the connection (JSON keys url, cache_url, host, port, token); never the value."
  value       = aws_secretsmanager_secret.connection.arn
}

output "secret_encryption_key_ref" {
  description = "Key that encrypts the connection secret (readers need decrypt on it)."
  value       = aws_kms_key.this.arn
}

output "client_access_group_id" {
  description = "Services that join this group may connect to the cache."
  value       = aws_security_group.clients.id
}

output "cache_id" {
  description = "Identifier of the replication group, for alarms."
  value       = aws_elasticache_replication_group.this.id
}
