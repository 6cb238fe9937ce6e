# The reference deployment: every module once, wired together. Two PostgreSQL databases (the
# platform's with a read replica; Keycloak's own), Redis, the attachments bucket, the platform's
# services and Keycloak behind one load balancer with a wildcard certificate, and the alarms.
locals {
  keycloak_hostname = "login.${var.domain}"
}

module "network" {
  source = "../../modules/network"
  name   = var.name
  zones  = ["${var.region}a", "${var.region}b", "${var.region}c"]
}

module "database" {
  source              = "../../modules/database"
  name                = var.name
  network_id          = module.network.network_id
  subnet_ids          = module.network.data_subnet_ids
  high_availability   = true
  replica_count       = 1
  credentials_version = var.credentials_version
}

module "identity_database" {
  source              = "../../modules/database"
  name                = "${var.name}-keycloak"
  network_id          = module.network.network_id
  subnet_ids          = module.network.data_subnet_ids
  database_name       = "keycloak"
  username            = "keycloak"
  instance_size       = "db.m6g.large"
  storage_gb          = 20
  max_storage_gb      = 100
  high_availability   = true
  credentials_version = var.credentials_version
}

module "cache" {
  source              = "../../modules/cache"
  name                = var.name
  network_id          = module.network.network_id
  subnet_ids          = module.network.data_subnet_ids
  credentials_version = var.credentials_version
}

module "object_storage" {
  source      = "../../modules/object_storage"
  name        = var.name
  bucket_name = var.attachments_bucket
}

# ----------------------------------------------------------------------------- the platform's own secrets
data "aws_caller_identity" "current" {}

resource "aws_kms_key" "platform_secrets" {
  description         = "${var.name}: the platform's own secrets"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.platform_secrets_key.json
}

data "aws_iam_policy_document" "platform_secrets_key" {
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
}

data "aws_secretsmanager_random_password" "django_secret_key" {
  password_length = 64
}

resource "terraform_data" "django_secret_key" {
  input            = sensitive(data.aws_secretsmanager_random_password.django_secret_key.random_password)
  triggers_replace = [var.credentials_version]

  lifecycle {
    ignore_changes = [input]
  }
}

resource "aws_secretsmanager_secret" "django_secret_key" {
  #checkov:skip=CKV2_AWS_57:Rotated by bumping credentials_version and redeploying; a new key signs out every session, so it is never rotated behind the operators' backs.
  name                    = "${var.name}/django-secret-key"
  description             = "Django's SECRET_KEY"
  kms_key_id              = aws_kms_key.platform_secrets.arn
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "django_secret_key" {
  secret_id                = aws_secretsmanager_secret.django_secret_key.id
  secret_string_wo         = terraform_data.django_secret_key.output
  secret_string_wo_version = var.credentials_version
}

# Sentry issues the DSN: an administrator stores it here (Terraform creates the entry, never a value).
resource "aws_secretsmanager_secret" "sentry_dsn" {
  #checkov:skip=CKV2_AWS_57:Issued by Sentry; a new DSN is made there and stored here by hand.
  name                    = "${var.name}/sentry-dsn"
  description             = "Sentry DSN of the platform (SENTRY_DSN), set by an administrator"
  kms_key_id              = aws_kms_key.platform_secrets.arn
  recovery_window_in_days = 7
}

# ----------------------------------------------------------------------------- services
module "compute" {
  source             = "../../modules/compute"
  name               = var.name
  network_id         = module.network.network_id
  public_subnet_ids  = module.network.public_subnet_ids
  private_subnet_ids = module.network.private_subnet_ids
  domain             = var.domain
  dns_zone_id        = var.dns_zone_id
  image              = var.platform_image

  environment = {
    IKOMEK_ENV                 = "production"
    IKOMEK_BASE_DOMAIN         = var.domain
    DJANGO_ALLOWED_HOSTS       = ".${var.domain}"
    DJANGO_SECURE_HSTS_SECONDS = "31536000"
    IKOMEK_PUBLIC_SCHEME       = "https"
    KEYCLOAK_URL               = module.identity.url
    ATTACHMENTS_BUCKET         = module.object_storage.bucket_name
    ATTACHMENTS_REGION         = module.object_storage.bucket_region
    LOG_LEVEL                  = "INFO"
  }

  secrets = {
    DATABASE_URL                = { ref = module.database.connection_secret_ref, key = "url" }
    REDIS_URL                   = { ref = module.cache.connection_secret_ref, key = "url" }
    CACHE_REDIS_URL             = { ref = module.cache.connection_secret_ref, key = "cache_url" }
    DJANGO_SECRET_KEY           = { ref = aws_secretsmanager_secret.django_secret_key.arn }
    SENTRY_DSN                  = { ref = aws_secretsmanager_secret.sentry_dsn.arn }
    KEYCLOAK_WEB_CLIENT_SECRET  = { ref = module.identity.clients_secret_ref, key = "web" }
    KEYCLOAK_PROVISIONER_SECRET = { ref = module.identity.clients_secret_ref, key = "provisioner" }
  }
  secret_encryption_key_refs = [
    module.database.secret_encryption_key_ref,
    module.cache.secret_encryption_key_ref,
    module.identity.secret_encryption_key_ref,
    aws_kms_key.platform_secrets.arn,
  ]

  access_group_ids = [module.database.client_access_group_id, module.cache.client_access_group_id]
  task_policies    = { attachments = module.object_storage.access_policy }
}

module "identity" {
  source                             = "../../modules/identity"
  name                               = var.name
  network_id                         = module.network.network_id
  subnet_ids                         = module.network.private_subnet_ids
  cluster_id                         = module.compute.cluster_id
  https_listener_ref                 = module.compute.https_listener_ref
  load_balancer_access_group_id      = module.compute.load_balancer_access_group_id
  hostname                           = local.keycloak_hostname
  image                              = var.keycloak_image
  database_secret_ref                = module.identity_database.connection_secret_ref
  database_secret_encryption_key_ref = module.identity_database.secret_encryption_key_ref
  database_access_group_id           = module.identity_database.client_access_group_id
  credentials_version                = var.credentials_version
}

module "monitoring" {
  source                   = "../../modules/monitoring"
  name                     = var.name
  alarm_emails             = var.alarm_emails
  load_balancer_metrics_id = module.compute.load_balancer_metrics_id
  web_target_metrics_id    = module.compute.web_target_metrics_id
  platform_log_group       = module.compute.platform_log_group
  database_replica_ids     = concat(module.database.replica_ids, module.identity_database.replica_ids)
}
