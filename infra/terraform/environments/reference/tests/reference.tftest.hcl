# The reference environment composed offline: the AWS provider is mocked (shared values in
# infra/terraform/tests/mocks) and the assertions read the modules' outputs. Each module's own
# tests check its resources; these check the wiring between them.
mock_provider "aws" {
  source = "../../tests/mocks"
}

# Distinct references for the secrets whose wiring is checked.
override_resource {
  target = module.database.aws_secretsmanager_secret.connection
  values = {
    arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-reference/database-AAAAAA"
    id  = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-reference/database-AAAAAA"
  }
}

override_resource {
  target = module.identity_database.aws_secretsmanager_secret.connection
  values = {
    arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-reference-keycloak/database-BBBBBB"
    id  = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-reference-keycloak/database-BBBBBB"
  }
}

override_resource {
  target = module.cache.aws_secretsmanager_secret.connection
  values = {
    arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-reference/cache-CCCCCC"
    id  = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-reference/cache-CCCCCC"
  }
}

# ElastiCache checks the token's length even when mocked.
override_data {
  target = module.cache.data.aws_secretsmanager_random_password.this
  values = { random_password = "mockedTokenOfSixtyFourCharacters0123456789abcdefghijklmnopqrstuv" }
}

variables {
  platform_image = "registry.example/ikomek@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  keycloak_image = "quay.io/keycloak/keycloak@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
  alarm_emails   = ["duty@ikomek.kz"]
}

run "databases_are_highly_available_and_recoverable" {
  command = apply

  assert {
    condition     = module.database.high_availability && module.identity_database.high_availability
    error_message = "Both databases (the platform's and Keycloak's) have a standby in another zone."
  }
  assert {
    condition     = module.database.backup_retention_days == 14 && module.identity_database.backup_retention_days == 14
    error_message = "Point-in-time recovery reaches back 14 days."
  }
  assert {
    condition     = module.database.encrypted_at_rest_with == module.database.secret_encryption_key_ref
    error_message = "The database is encrypted with its own key."
  }
  assert {
    condition     = module.database.replica_ids == ["ikomek-reference-replica-1"]
    error_message = "The platform's database has one replica."
  }
}

run "the_platform_reads_its_secrets_by_reference" {
  command = apply

  assert {
    condition     = module.compute.secret_settings["DATABASE_URL"] == "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-reference/database-AAAAAA:url::"
    error_message = "DATABASE_URL comes from the platform database's secret."
  }
  assert {
    condition     = module.compute.secret_settings["REDIS_URL"] == "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-reference/cache-CCCCCC:url::" && module.compute.secret_settings["CACHE_REDIS_URL"] == "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-reference/cache-CCCCCC:cache_url::"
    error_message = "The broker and cache URLs come from the cache's secret."
  }
  assert {
    condition     = toset(keys(module.compute.secret_settings)) == toset(["DATABASE_URL", "REDIS_URL", "CACHE_REDIS_URL", "DJANGO_SECRET_KEY", "SENTRY_DSN", "KEYCLOAK_WEB_CLIENT_SECRET", "KEYCLOAK_PROVISIONER_SECRET"])
    error_message = "Every credential the platform needs is a secret reference."
  }
  assert {
    condition     = length(setintersection(toset(keys(module.compute.plain_settings)), toset(keys(module.compute.secret_settings)))) == 0 && alltrue([for k in keys(module.compute.plain_settings) : !can(regex("SECRET|PASSWORD|TOKEN|DSN|DATABASE_URL|REDIS_URL", k))])
    error_message = "No credential among the plain settings."
  }
  assert {
    condition     = alltrue([for ref in values(output.secret_refs) : startswith(ref, "arn:aws:secretsmanager:")])
    error_message = "The environment's outputs name secrets, never their values."
  }
  assert {
    condition     = module.compute.plain_settings["IKOMEK_ENV"] == "production" && module.compute.plain_settings["KEYCLOAK_URL"] == "https://login.ikomek.kz"
    error_message = "Production settings, Keycloak at its pinned hostname."
  }
  assert {
    condition     = module.compute.plain_settings["ATTACHMENTS_BUCKET"] == "ikomek-reference-attachments" && output.attachments_bucket == "ikomek-reference-attachments"
    error_message = "The platform stores attachments in the bucket made for them."
  }
}

run "one_certificate_for_every_host" {
  command = apply

  assert {
    condition     = toset(module.compute.certificate_hosts) == toset(["*.ikomek.kz", "ikomek.kz"])
    error_message = "The wildcard certificate covers every akimat, Keycloak's login host and the region's apex."
  }
  assert {
    condition     = module.identity.issuer == "https://login.ikomek.kz/realms/ikomek"
    error_message = "Keycloak's issuer sits under the wildcard."
  }
}

run "every_alarm_is_there" {
  command = apply

  assert {
    condition = toset(keys(output.alarm_names)) == toset([
      "http-5xx", "latency-p99", "queue-depth-celery", "queue-depth-urgent", "queue-depth-cad", "queue-depth-webhooks",
      "relay-lag", "dead-letters", "replication-lag-ikomek-reference-replica-1",
    ])
    error_message = "Alarms on 5xx, latency, each queue's depth, relay lag, dead letters and replication lag."
  }
}
