# The platform's services on Fargate from one image: web (gunicorn behind the load balancer),
# a Celery worker service per pool of queues, exactly one beat, and a task definition for one-off
# management commands (migrations). The load balancer answers on the apex and every subdomain with
# one wildcard certificate; a web application firewall sits in front of it.
data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  hosts = [var.domain, "*.${var.domain}"]

  environment = [for k, v in var.environment : { name = k, value = v }]
  secrets = [for k, s in var.secrets : {
    name      = k
    valueFrom = s.key == null ? s.ref : "${s.ref}:${s.key}::"
  }]
  secret_refs = distinct([for s in values(var.secrets) : s.ref])

  # Fargate's root filesystem is read-only; /tmp is the task's scratch volume.
  common_container = {
    image                  = var.image
    essential              = true
    readonlyRootFilesystem = true
    environment            = local.environment
    secrets                = local.secrets
    mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    linuxParameters        = { initProcessEnabled = true }
  }

  worker_commands = {
    for pool, spec in var.worker_pools : pool => [
      "celery", "-A", "ikomek", "worker", "--loglevel", "INFO",
      "-Q", join(",", spec.queues), "--concurrency", tostring(spec.concurrency), "-n", "${pool}@%h",
    ]
  }
}

# ----------------------------------------------------------------------------- keys and logs
resource "aws_kms_key" "logs" {
  description         = "${var.name}: service and firewall logs"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.logs_key.json
  tags                = var.tags
}

data "aws_iam_policy_document" "logs_key" {
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

resource "aws_cloudwatch_log_group" "platform" {
  name              = "/${var.name}/platform"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.logs.arn
  tags              = var.tags
}

# ----------------------------------------------------------------------------- cluster and roles
resource "aws_ecs_cluster" "this" {
  name = var.name
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  tags = var.tags
}

data "aws_iam_policy_document" "tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# Starts the containers: pulls the image, reads the secrets, writes the logs.
resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.tasks_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "read_secrets" {
  count = length(var.secrets) > 0 ? 1 : 0
  statement {
    sid       = "Secrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.secret_refs
  }
  dynamic "statement" {
    for_each = length(var.secret_encryption_key_refs) > 0 ? [1] : []
    content {
      sid       = "SecretKeys"
      actions   = ["kms:Decrypt"]
      resources = var.secret_encryption_key_refs
    }
  }
}

resource "aws_iam_role_policy" "read_secrets" {
  count  = length(var.secrets) > 0 ? 1 : 0
  name   = "read-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.read_secrets[0].json
}

# What the running platform may do: only the task_policies given (e.g. its attachments).
resource "aws_iam_role" "task" {
  name               = "${var.name}-platform"
  assume_role_policy = data.aws_iam_policy_document.tasks_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "task" {
  for_each = var.task_policies
  name     = each.key
  role     = aws_iam_role.task.id
  policy   = each.value
}

# ----------------------------------------------------------------------------- security groups
resource "aws_security_group" "load_balancer" {
  name        = "${var.name}-load-balancer"
  description = "The ${var.name} load balancer: HTTPS (and HTTP to redirect) from anywhere"
  vpc_id      = var.network_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.load_balancer.id
  description       = "HTTPS from citizens, staff and integrators"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  #checkov:skip=CKV_AWS_260:Port 80 only answers with a redirect to HTTPS (the listener has no other action); closing it would leave typed http:// addresses hanging.
  security_group_id = aws_security_group.load_balancer.id
  description       = "HTTP, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}

resource "aws_vpc_security_group_egress_rule" "load_balancer_to_web" {
  security_group_id            = aws_security_group.load_balancer.id
  description                  = "To the web tasks"
  referenced_security_group_id = aws_security_group.services.id
  ip_protocol                  = "tcp"
  from_port                    = var.web.container_port
  to_port                      = var.web.container_port
}

resource "aws_security_group" "services" {
  name        = "${var.name}-services"
  description = "The ${var.name} web, workers and beat"
  vpc_id      = var.network_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "web_from_load_balancer" {
  security_group_id            = aws_security_group.services.id
  description                  = "Web from the load balancer"
  referenced_security_group_id = aws_security_group.load_balancer.id
  ip_protocol                  = "tcp"
  from_port                    = var.web.container_port
  to_port                      = var.web.container_port
}

# Outbound HTTPS: Keycloak at login.<domain>, Sentry, SMS and push gateways, 112 centres' CADs,
# the secret store and the image registry.
resource "aws_vpc_security_group_egress_rule" "services_https" {
  security_group_id = aws_security_group.services.id
  description       = "HTTPS to Keycloak, Sentry, SMS, push, 112 CADs and the provider's APIs"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

# ----------------------------------------------------------------------------- certificate
resource "aws_acm_certificate" "wildcard" {
  domain_name               = "*.${var.domain}"
  subject_alternative_names = [var.domain]
  validation_method         = "DNS"
  key_algorithm             = "EC_prime256v1"
  tags                      = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  # Keyed by the names (known when planning); the apex and the wildcard ask for the same record,
  # hence allow_overwrite.
  for_each = var.dns_zone_id == null ? {} : {
    for option in aws_acm_certificate.wildcard.domain_validation_options : option.domain_name => option
  }
  zone_id         = var.dns_zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  records         = [each.value.resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "wildcard" {
  count                   = var.dns_zone_id == null ? 0 : 1
  certificate_arn         = aws_acm_certificate.wildcard.arn
  validation_record_fqdns = distinct([for record in aws_route53_record.validation : record.fqdn])
}

resource "aws_route53_record" "hosts" {
  for_each = var.dns_zone_id == null ? toset([]) : toset(local.hosts)
  zone_id  = var.dns_zone_id
  name     = each.value
  type     = "A"
  alias {
    name                   = aws_lb.this.dns_name
    zone_id                = aws_lb.this.zone_id
    evaluate_target_health = true
  }
}

# ----------------------------------------------------------------------------- load balancer
resource "aws_lb" "this" {
  #checkov:skip=CKV2_AWS_76:The firewall runs the known-bad-inputs rules (Log4j included); the anonymous-IP list this check also demands would turn away citizens who reach the 109 service through a VPN or a relay.
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.public_subnet_ids
  security_groups            = [aws_security_group.load_balancer.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  idle_timeout               = 60

  access_logs {
    bucket  = aws_s3_bucket.load_balancer_logs.id
    prefix  = "load-balancer"
    enabled = true
  }

  tags       = var.tags
  depends_on = [aws_s3_bucket_policy.load_balancer_logs]
}

resource "aws_lb_target_group" "web" {
  name                 = "${var.name}-web"
  port                 = var.web.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.network_id
  deregistration_delay = var.web.deregistration_s

  health_check {
    path                = var.web.health_check_path
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = var.tags
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.tls_policy
  certificate_arn   = var.dns_zone_id == null ? aws_acm_certificate.wildcard.arn : aws_acm_certificate_validation.wildcard[0].certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }

  tags = var.tags
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }

  tags = var.tags
}

# ----------------------------------------------------------------------------- load balancer logs
resource "aws_s3_bucket" "load_balancer_logs" {
  #checkov:skip=CKV_AWS_18:This bucket receives the load balancer's access logs; logging it into another log bucket would only log the log delivery.
  #checkov:skip=CKV_AWS_144:No copy in another region: the logs hold citizens' addresses and stay in the chosen jurisdiction.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events of the log bucket.
  #checkov:skip=CKV_AWS_145:Load balancer access logs can be delivered only to buckets encrypted with S3-managed keys (SSE-S3), not KMS.
  bucket_prefix = "${var.name}-lb-logs-"
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "load_balancer_logs" {
  bucket = aws_s3_bucket.load_balancer_logs.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "load_balancer_logs" {
  bucket                  = aws_s3_bucket.load_balancer_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "load_balancer_logs" {
  bucket = aws_s3_bucket.load_balancer_logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "load_balancer_logs" {
  bucket = aws_s3_bucket.load_balancer_logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "load_balancer_logs" {
  bucket = aws_s3_bucket.load_balancer_logs.id
  rule {
    id     = "expire"
    status = "Enabled"
    filter {}
    expiration {
      days = var.log_retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
  depends_on = [aws_s3_bucket_versioning.load_balancer_logs]
}

data "aws_iam_policy_document" "load_balancer_logs" {
  statement {
    sid       = "LoadBalancerDelivers"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.load_balancer_logs.arn}/load-balancer/AWSLogs/${data.aws_caller_identity.current.account_id}/*"]
    principals {
      type        = "Service"
      identifiers = ["logdelivery.elasticloadbalancing.amazonaws.com"]
    }
  }
  statement {
    sid     = "TlsOnly"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.load_balancer_logs.arn,
      "${aws_s3_bucket.load_balancer_logs.arn}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "load_balancer_logs" {
  bucket     = aws_s3_bucket.load_balancer_logs.id
  policy     = data.aws_iam_policy_document.load_balancer_logs.json
  depends_on = [aws_s3_bucket_public_access_block.load_balancer_logs]
}

# ----------------------------------------------------------------------------- firewall
resource "aws_wafv2_web_acl" "this" {
  name  = var.name
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "common"
    priority = 10
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"
        # Appeals carry attachments of up to 10 MB: the 8 KB body limit would block them.
        rule_action_override {
          name = "SizeRestrictions_BODY"
          action_to_use {
            count {}
          }
        }
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-common"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "known-bad-inputs"
    priority = 20
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "requests-per-address"
    priority = 30
    action {
      block {}
    }
    statement {
      rate_based_statement {
        limit              = var.requests_per_ip_per_5_minutes
        aggregate_key_type = "IP"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-requests-per-address"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

resource "aws_wafv2_web_acl_association" "this" {
  resource_arn = aws_lb.this.arn
  web_acl_arn  = aws_wafv2_web_acl.this.arn
}

# The firewall's log group name must start with aws-waf-logs-.
resource "aws_cloudwatch_log_group" "firewall" {
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.logs.arn
  tags              = var.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.firewall.arn]
  # Session cookies and tokens stay out of the logs.
  redacted_fields {
    single_header {
      name = "authorization"
    }
  }
  redacted_fields {
    single_header {
      name = "cookie"
    }
  }
}

# ----------------------------------------------------------------------------- task definitions
resource "aws_ecs_task_definition" "web" {
  family                   = "${var.name}-web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.web.cpu
  memory                   = var.web.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  volume {
    name = "tmp"
  }
  container_definitions = jsonencode([merge(local.common_container, {
    name         = "web"
    command      = ["gunicorn", "ikomek.wsgi:application", "-c", "python:ikomek.gunicorn_conf", "--bind", "0.0.0.0:${var.web.container_port}"]
    portMappings = [{ containerPort = var.web.container_port, protocol = "tcp" }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.platform.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = "web"
      }
    }
  })])
  tags = var.tags
}

resource "aws_ecs_task_definition" "worker" {
  for_each                 = var.worker_pools
  family                   = "${var.name}-worker-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  volume {
    name = "tmp"
  }
  container_definitions = jsonencode([merge(local.common_container, {
    name    = "worker"
    command = local.worker_commands[each.key]
    # A worker finishes its task (acks late) before it stops.
    stopTimeout = 120
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.platform.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = "worker-${each.key}"
      }
    }
  })])
  tags = var.tags
}

resource "aws_ecs_task_definition" "beat" {
  family                   = "${var.name}-beat"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.beat.cpu
  memory                   = var.beat.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  volume {
    name = "tmp"
  }
  container_definitions = jsonencode([merge(local.common_container, {
    name    = "beat"
    command = ["celery", "-A", "ikomek", "beat", "--loglevel", "INFO", "--schedule", "/tmp/celerybeat-schedule"]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.platform.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = "beat"
      }
    }
  })])
  tags = var.tags
}

# Management commands (migrate_platform before each release, seed_region once):
# `aws ecs run-task` with this definition and a command override (infra/README.md).
resource "aws_ecs_task_definition" "manage" {
  family                   = "${var.name}-manage"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.web.cpu
  memory                   = var.web.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  volume {
    name = "tmp"
  }
  container_definitions = jsonencode([merge(local.common_container, {
    name    = "manage"
    command = ["python", "manage.py", "migrate_platform"]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.platform.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = "manage"
      }
    }
  })])
  tags = var.tags
}

# ----------------------------------------------------------------------------- services
resource "aws_ecs_service" "web" {
  name                              = "web"
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.web.arn
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  desired_count                     = var.web.min_tasks
  health_check_grace_period_seconds = var.web.health_check_grace
  propagate_tags                    = "SERVICE"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = concat([aws_security_group.services.id], var.access_group_ids)
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = var.web.container_port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  lifecycle {
    ignore_changes = [desired_count] # autoscaling owns it
  }

  tags       = var.tags
  depends_on = [aws_lb_listener.https]
}

resource "aws_ecs_service" "worker" {
  for_each         = var.worker_pools
  name             = "worker-${each.key}"
  cluster          = aws_ecs_cluster.this.id
  task_definition  = aws_ecs_task_definition.worker[each.key].arn
  launch_type      = "FARGATE"
  platform_version = "LATEST"
  desired_count    = each.value.min_tasks
  propagate_tags   = "SERVICE"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = concat([aws_security_group.services.id], var.access_group_ids)
    assign_public_ip = false
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  lifecycle {
    ignore_changes = [desired_count]
  }

  tags = var.tags
}

# Exactly one beat, also during a deployment: the old task stops before the new one starts
# (a second beat would send every periodic task twice).
resource "aws_ecs_service" "beat" {
  name                               = "beat"
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.beat.arn
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  desired_count                      = 1
  deployment_maximum_percent         = 100
  deployment_minimum_healthy_percent = 0
  propagate_tags                     = "SERVICE"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = concat([aws_security_group.services.id], var.access_group_ids)
    assign_public_ip = false
  }

  tags = var.tags
}

# ----------------------------------------------------------------------------- autoscaling
resource "aws_appautoscaling_target" "web" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.web.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.web.min_tasks
  max_capacity       = var.web.max_tasks
}

resource "aws_appautoscaling_policy" "web_cpu" {
  name               = "${var.name}-web-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.web.cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "web_requests" {
  name               = "${var.name}-web-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.web.requests_per_task
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${aws_lb.this.arn_suffix}/${aws_lb_target_group.web.arn_suffix}"
    }
  }
}

resource "aws_appautoscaling_target" "worker" {
  for_each           = var.worker_pools
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.worker[each.key].name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = each.value.min_tasks
  max_capacity       = each.value.max_tasks
}

resource "aws_appautoscaling_policy" "worker_cpu" {
  for_each           = var.worker_pools
  name               = "${var.name}-worker-${each.key}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.worker[each.key].service_namespace
  resource_id        = aws_appautoscaling_target.worker[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.worker[each.key].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# Waiting tasks per running worker task, from the platform's QueueDepth metric (infra/README.md):
# calls to 112 CADs wait on the network, not the CPU, so CPU alone would not scale them.
resource "aws_appautoscaling_policy" "worker_backlog" {
  for_each           = var.worker_pools
  name               = "${var.name}-worker-${each.key}-backlog"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.worker[each.key].service_namespace
  resource_id        = aws_appautoscaling_target.worker[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.worker[each.key].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.depth_per_task
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    customized_metric_specification {
      dynamic "metrics" {
        for_each = each.value.queues
        content {
          id          = "q${metrics.key}"
          return_data = false
          metric_stat {
            stat = "Maximum"
            metric {
              namespace   = var.metrics_namespace
              metric_name = "QueueDepth"
              dimensions {
                name  = "Queue"
                value = metrics.value
              }
            }
          }
        }
      }
      metrics {
        id          = "tasks"
        return_data = false
        metric_stat {
          stat = "Average"
          metric {
            namespace   = "ECS/ContainerInsights"
            metric_name = "RunningTaskCount"
            dimensions {
              name  = "ClusterName"
              value = aws_ecs_cluster.this.name
            }
            dimensions {
              name  = "ServiceName"
              value = aws_ecs_service.worker[each.key].name
            }
          }
        }
      }
      metrics {
        id          = "backlog_per_task"
        label       = "Waiting tasks per worker task"
        expression  = "(${join(" + ", [for i in range(length(each.value.queues)) : "q${i}"])}) / tasks"
        return_data = true
      }
    }
  }
}
