# Offline: the AWS provider is mocked (shared values in infra/terraform/tests/mocks); the
# assertions are on the configuration as planned and applied.
mock_provider "aws" {
  source = "../../tests/mocks"
}

# ElastiCache checks the token's length even when mocked.
override_data {
  target = data.aws_secretsmanager_random_password.this
  values = { random_password = "mockedTokenOfSixtyFourCharacters0123456789abcdefghijklmnopqrstuv" }
}

variables {
  name       = "ikomek-test"
  network_id = "vpc-test"
  subnet_ids = ["subnet-a", "subnet-b", "subnet-c"]
}

run "redis_with_failover_encrypted_both_ways" {
  command = apply

  assert {
    condition     = aws_elasticache_replication_group.this.engine == "redis" && aws_elasticache_replication_group.this.num_cache_clusters == 2
    error_message = "Redis with a primary and a replica."
  }
  assert {
    condition     = aws_elasticache_replication_group.this.automatic_failover_enabled && aws_elasticache_replication_group.this.multi_az_enabled
    error_message = "The replica in another zone takes over by itself."
  }
  assert {
    condition     = aws_elasticache_replication_group.this.at_rest_encryption_enabled && aws_elasticache_replication_group.this.kms_key_id == aws_kms_key.this.arn
    error_message = "Encrypted at rest with the module's key."
  }
  assert {
    condition     = aws_elasticache_replication_group.this.transit_encryption_enabled
    error_message = "TLS in transit (the platform connects with rediss://)."
  }
  assert {
    condition     = one([for p in aws_elasticache_parameter_group.this.parameter : p.value if p.name == "maxmemory-policy"]) == "noeviction"
    error_message = "A broker must never evict keys (it would lose tasks)."
  }
  assert {
    condition     = aws_elasticache_replication_group.this.snapshot_retention_limit >= 1
    error_message = "Daily snapshots are kept."
  }
}

run "token_in_the_secret_store_only" {
  command = apply

  assert {
    condition     = aws_elasticache_replication_group.this.auth_token == terraform_data.token.output
    error_message = "Redis requires the generated AUTH token."
  }
  assert {
    condition     = aws_secretsmanager_secret_version.connection.secret_string_wo == null && aws_secretsmanager_secret_version.connection.secret_string_wo_version == 1
    error_message = "The connection secret is written write-only."
  }
  assert {
    condition     = aws_secretsmanager_secret.connection.kms_key_id == aws_kms_key.this.arn
    error_message = "The secret is encrypted with the cache's key."
  }
  assert {
    condition = alltrue([
      for value in [output.endpoint, output.connection_secret_ref, output.secret_encryption_key_ref, output.client_access_group_id, output.cache_id] :
      !strcontains(value, nonsensitive(terraform_data.token.output))
    ])
    error_message = "No output may carry the token."
  }
}

run "one_node_is_refused" {
  command = plan
  variables {
    node_count = 1
  }
  expect_failures = [var.node_count]
}
