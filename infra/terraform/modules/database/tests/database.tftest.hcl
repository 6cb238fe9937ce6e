# Offline: the AWS provider is mocked (shared values in infra/terraform/tests/mocks); the
# assertions are on the configuration as planned and applied.
mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name          = "ikomek-test"
  network_id    = "vpc-test"
  subnet_ids    = ["subnet-a", "subnet-b", "subnet-c"]
  replica_count = 1
}

run "postgres_15_multi_az_with_point_in_time_recovery" {
  command = apply

  assert {
    condition     = aws_db_instance.primary.engine == "postgres" && aws_db_instance.primary.engine_version == "15"
    error_message = "The platform runs on PostgreSQL 15 (Django creates the PostGIS extension at the first migrate)."
  }
  assert {
    condition     = aws_db_instance.primary.multi_az
    error_message = "The primary must have a synchronous standby in another zone."
  }
  assert {
    condition     = aws_db_instance.primary.backup_retention_period == 14 && !aws_db_instance.primary.delete_automated_backups
    error_message = "Automated backups (point-in-time recovery) are kept 14 days and outlive the instance."
  }
  assert {
    condition     = aws_db_instance.primary.storage_encrypted && aws_db_instance.primary.kms_key_id == aws_kms_key.this.arn && aws_kms_key.this.enable_key_rotation
    error_message = "Storage is encrypted with the module's own rotating key."
  }
  assert {
    condition     = aws_db_instance.primary.performance_insights_kms_key_id == aws_kms_key.this.arn
    error_message = "Performance insights (which hold query text) use the same key."
  }
  assert {
    condition     = !aws_db_instance.primary.publicly_accessible && aws_db_instance.primary.deletion_protection && !aws_db_instance.primary.skip_final_snapshot
    error_message = "Private, protected from deletion, with a final snapshot."
  }
  assert {
    condition     = one([for p in aws_db_parameter_group.this.parameter : p.value if p.name == "rds.force_ssl"]) == "1"
    error_message = "Connections without TLS must be refused."
  }
  assert {
    condition     = length(aws_db_instance.replica) == 1 && aws_db_instance.replica[0].replicate_source_db == aws_db_instance.primary.identifier && aws_db_instance.replica[0].storage_encrypted
    error_message = "One encrypted replica of the primary."
  }
  assert {
    condition     = output.replica_ids == ["ikomek-test-replica-1"]
    error_message = "The replica's identifier is given to the replication-lag alarm."
  }
}

run "credentials_live_in_the_secret_store_only" {
  command = apply

  assert {
    condition     = aws_db_instance.primary.password == null && aws_db_instance.primary.password_wo == null && aws_db_instance.primary.password_wo_version == 1
    error_message = "The password reaches the database only through the write-only argument."
  }
  assert {
    condition     = aws_secretsmanager_secret_version.connection.secret_string_wo == null && aws_secretsmanager_secret_version.connection.secret_string_wo_version == 1
    error_message = "The secret's value is written write-only."
  }
  assert {
    condition     = aws_secretsmanager_secret.connection.kms_key_id == aws_kms_key.this.arn
    error_message = "The secret is encrypted with the database's key."
  }
  assert {
    condition     = output.connection_secret_ref == aws_secretsmanager_secret.connection.arn
    error_message = "The module hands out the secret's reference."
  }
  assert {
    condition = alltrue([
      for value in [output.host, output.database_name, output.connection_secret_ref, output.secret_encryption_key_ref, output.primary_id, output.client_access_group_id] :
      !strcontains(value, nonsensitive(terraform_data.password.output))
    ])
    error_message = "No output may carry the password."
  }
  assert {
    condition     = length(nonsensitive(terraform_data.password.output)) > 0
    error_message = "A password was generated."
  }
}

run "only_clients_reach_the_database" {
  command = apply

  assert {
    condition     = aws_vpc_security_group_ingress_rule.clients.referenced_security_group_id == aws_security_group.clients.id && aws_vpc_security_group_ingress_rule.clients.from_port == 5432 && aws_vpc_security_group_ingress_rule.clients.cidr_ipv4 == null
    error_message = "PostgreSQL is open to the client group only, never to an address range."
  }
}

run "too_short_backups_are_refused" {
  command = plan
  variables {
    backup_retention_days = 3
  }
  expect_failures = [var.backup_retention_days]
}

run "another_major_version_is_refused" {
  command = plan
  variables {
    postgres_version = "16"
  }
  expect_failures = [var.postgres_version]
}
