# Managed PostgreSQL 15: a Multi-AZ primary (synchronous standby, automatic failover), automated
# backups with point-in-time recovery, encryption at rest with the module's own key, TLS enforced,
# and optional asynchronous replicas. PostGIS is an extension of this engine; Django's PostGIS
# backend creates it at the first migrate (the owner role is rds_superuser, which may).
data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  port = 5432
}

resource "aws_kms_key" "this" {
  description         = "${var.name}: database storage, snapshots, insights and credentials"
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

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-database"
  target_key_id = aws_kms_key.this.key_id
}

# ----------------------------------------------------------------------------- network access
resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

# Membership of this group is what lets a service reach the database (no address ranges).
resource "aws_security_group" "clients" {
  #checkov:skip=CKV2_AWS_5:A membership group: the services that use the database join it (the compute module's access_group_ids, the identity module's database_access_group_id), across modules where checkov does not follow it.
  name        = "${var.name}-database-clients"
  description = "Members may connect to the ${var.name} database"
  vpc_id      = var.network_id
  tags        = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-database"
  description = "The ${var.name} database: PostgreSQL from its clients only"
  vpc_id      = var.network_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL from the client group"
  referenced_security_group_id = aws_security_group.clients.id
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
}

resource "aws_vpc_security_group_egress_rule" "clients_to_database" {
  security_group_id            = aws_security_group.clients.id
  description                  = "Clients reach PostgreSQL"
  referenced_security_group_id = aws_security_group.this.id
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
}

# ----------------------------------------------------------------------------- engine settings
resource "aws_db_parameter_group" "this" {
  name        = "${var.name}-postgres15"
  family      = "postgres15"
  description = "${var.name}: TLS only, slow statements logged, Almaty time"
  tags        = var.tags

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }
  parameter {
    name  = "log_connections"
    value = "1"
  }
  parameter {
    name  = "log_disconnections"
    value = "1"
  }
  parameter {
    name  = "timezone"
    value = "Asia/Almaty"
  }
  parameter {
    name         = "shared_preload_libraries"
    value        = "pg_stat_statements"
    apply_method = "pending-reboot"
  }
}

resource "aws_cloudwatch_log_group" "postgresql" {
  name              = "/aws/rds/instance/${var.name}/postgresql"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = var.tags
}

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  name               = "${var.name}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  role       = aws_iam_role.monitoring.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

# ----------------------------------------------------------------------------- credentials
# Secrets Manager generates the password; terraform_data keeps it stable between plans and takes a
# new one when credentials_version changes. It reaches the database and the secret through
# write-only arguments; only this module's state holds it (keep state encrypted, see infra/README.md).
data "aws_secretsmanager_random_password" "this" {
  password_length     = 40
  exclude_punctuation = true # the password sits in a URL
}

resource "terraform_data" "password" {
  input            = sensitive(data.aws_secretsmanager_random_password.this.random_password)
  triggers_replace = [var.credentials_version]

  lifecycle {
    ignore_changes = [input]
  }
}

resource "aws_secretsmanager_secret" "connection" {
  #checkov:skip=CKV2_AWS_57:Rotated by bumping credentials_version: one apply writes the new password to the database and this secret together, then the services are redeployed (a rotation Lambda would change the database under running services).
  name                    = "${var.name}/database"
  description             = "Connection to the ${var.name} database: url (the application's DATABASE_URL), jdbc_url, host, port, dbname, username, password"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = 30
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "connection" {
  secret_id = aws_secretsmanager_secret.connection.id
  secret_string_wo = jsonencode({
    url      = "postgres://${var.username}:${terraform_data.password.output}@${aws_db_instance.primary.address}:${local.port}/${var.database_name}?sslmode=require"
    jdbc_url = "jdbc:postgresql://${aws_db_instance.primary.address}:${local.port}/${var.database_name}?sslmode=require"
    host     = aws_db_instance.primary.address
    port     = local.port
    dbname   = var.database_name
    username = var.username
    password = terraform_data.password.output
  })
  secret_string_wo_version = var.credentials_version
}

# ----------------------------------------------------------------------------- the database
resource "aws_db_instance" "primary" {
  identifier     = var.name
  engine         = "postgres"
  engine_version = var.postgres_version
  instance_class = var.instance_size
  db_name        = var.database_name
  username       = var.username
  port           = local.port

  password_wo         = terraform_data.password.output
  password_wo_version = var.credentials_version

  allocated_storage     = var.storage_gb
  max_allocated_storage = var.max_storage_gb
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.this.arn

  multi_az               = var.high_availability
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.this.name

  # Automated backups are what point-in-time recovery restores from (to any second in the window).
  backup_retention_period   = var.backup_retention_days
  backup_window             = "20:00-21:00" # 01:00-02:00 in Almaty, the quietest hour of the 109 line
  maintenance_window        = "sun:21:00-sun:22:00"
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.name}-final"

  auto_minor_version_upgrade          = true
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  monitoring_interval                 = 30
  monitoring_role_arn                 = aws_iam_role.monitoring.arn
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = aws_kms_key.this.arn

  tags       = var.tags
  depends_on = [aws_cloudwatch_log_group.postgresql]
}

resource "aws_db_instance" "replica" {
  #checkov:skip=CKV_AWS_133:Backups and point-in-time recovery are the primary's; a replica is rebuilt from the primary, never restored.
  #checkov:skip=CKV_AWS_157:A replica is itself the copy in another zone; the primary carries the synchronous Multi-AZ standby.
  count               = var.replica_count
  identifier          = "${var.name}-replica-${count.index + 1}"
  replicate_source_db = aws_db_instance.primary.identifier
  instance_class      = var.instance_size

  storage_encrypted      = true
  kms_key_id             = aws_kms_key.this.arn
  vpc_security_group_ids = [aws_security_group.this.id]
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.this.name
  # A replica in a zone of its own: it is also the copy to promote if the primary's data is lost.
  multi_az = false

  backup_retention_period = 0 # replicas are not backed up; the primary is
  copy_tags_to_snapshot   = true
  deletion_protection     = var.deletion_protection
  skip_final_snapshot     = true

  auto_minor_version_upgrade          = true
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  monitoring_interval                 = 30
  monitoring_role_arn                 = aws_iam_role.monitoring.arn
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = aws_kms_key.this.arn

  tags = var.tags
}
