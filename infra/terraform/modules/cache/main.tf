# Redis for Celery's broker (database 0) and the platform's cache (database 1): a primary with a
# replica in another zone and automatic failover, TLS in transit, an AUTH token, encryption at rest
# with the module's own key. Keys are never evicted: a broker that drops messages loses tasks.
data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  port = 6379
}

resource "aws_kms_key" "this" {
  description         = "${var.name}: cache at rest, its snapshots, slow log and credentials"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
  tags                = var.tags
}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:A key policy's Resource "*" is this key alone; the account administers its own key (AWS's default key policy), IAM decides who in it may.
  #checkov:skip=CKV_AWS_111:A key policy's Resource "*" is this key alone; the account administers its own key (AWS's default key policy), IAM decides who in it may.
  #checkov:skip=CKV_AWS_356:A key policy's Resource "*" is this key alone: a key policy cannot name anything else.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
  statement {
    sid       = "CloudWatchLogsEncrypts"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.name}.amazonaws.com"]
    }
  }
}

resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_security_group" "clients" {
  #checkov:skip=CKV2_AWS_5:A membership group: the services that use the cache join it (the compute module's access_group_ids, the identity module's database_access_group_id), across modules where checkov does not follow it.
  name        = "${var.name}-cache-clients"
  description = "Members may connect to the ${var.name} cache"
  vpc_id      = var.network_id
  tags        = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-cache"
  description = "The ${var.name} cache: Redis from its clients only"
  vpc_id      = var.network_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  security_group_id            = aws_security_group.this.id
  description                  = "Redis from the client group"
  referenced_security_group_id = aws_security_group.clients.id
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
}

resource "aws_vpc_security_group_egress_rule" "clients_to_cache" {
  security_group_id            = aws_security_group.clients.id
  description                  = "Clients reach Redis"
  referenced_security_group_id = aws_security_group.this.id
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
}

resource "aws_elasticache_parameter_group" "this" {
  name        = "${var.name}-redis7"
  family      = "redis7"
  description = "${var.name}: a broker never evicts"

  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }
}

resource "aws_cloudwatch_log_group" "slow" {
  name              = "/${var.name}/cache/slow-log"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = var.tags
}

# Same generation scheme as the database's password (see modules/database/main.tf).
data "aws_secretsmanager_random_password" "this" {
  password_length     = 64
  exclude_punctuation = true # ElastiCache tokens allow few symbols, and it sits in a URL
}

resource "terraform_data" "token" {
  input            = sensitive(data.aws_secretsmanager_random_password.this.random_password)
  triggers_replace = [var.credentials_version]

  lifecycle {
    ignore_changes = [input]
  }
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = var.name
  description          = "${var.name}: Celery broker and cache"
  engine               = "redis"
  engine_version       = var.redis_version
  node_type            = var.node_size
  num_cache_clusters   = var.node_count
  port                 = local.port
  parameter_group_name = aws_elasticache_parameter_group.this.name
  subnet_group_name    = aws_elasticache_subnet_group.this.name
  security_group_ids   = [aws_security_group.this.id]

  automatic_failover_enabled = true
  multi_az_enabled           = true

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.this.arn
  transit_encryption_enabled = true
  auth_token                 = terraform_data.token.output
  auth_token_update_strategy = "ROTATE"

  snapshot_retention_limit   = var.snapshot_retention_days
  snapshot_window            = "21:00-22:00"
  maintenance_window         = "sun:22:00-sun:23:00"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.slow.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }

  tags = var.tags
}

resource "aws_secretsmanager_secret" "connection" {
  #checkov:skip=CKV2_AWS_57:Rotated by bumping credentials_version: one apply changes the AUTH token (ROTATE keeps the old one valid meanwhile) and this secret, then the services are redeployed.
  name                    = "${var.name}/cache"
  description             = "Connection to the ${var.name} cache: url (REDIS_URL, the Celery broker), cache_url (CACHE_REDIS_URL), host, port, token"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = 7
  tags                    = var.tags
}

locals {
  base_url = "rediss://:${terraform_data.token.output}@${aws_elasticache_replication_group.this.primary_endpoint_address}:${local.port}"
}

resource "aws_secretsmanager_secret_version" "connection" {
  secret_id = aws_secretsmanager_secret.connection.id
  secret_string_wo = jsonencode({
    # Celery refuses rediss:// without ssl_cert_reqs; the certificate is always checked.
    url       = "${local.base_url}/0?ssl_cert_reqs=required"
    cache_url = "${local.base_url}/1?ssl_cert_reqs=required"
    host      = aws_elasticache_replication_group.this.primary_endpoint_address
    port      = local.port
    token     = terraform_data.token.output
  })
  secret_string_wo_version = var.credentials_version
}
