# Keycloak 26 in production mode: its own PostgreSQL, one pinned hostname, TLS ending at the load
# balancer (X-Forwarded-* trusted), two tasks or more clustered through the database (jdbc-ping),
# health on the management port.
data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  http_port       = 8080
  management_port = 9000
  cluster_port    = 7800 # jdbc-ping / JGroups between Keycloak tasks
}

resource "aws_kms_key" "this" {
  description         = "${var.name}: Keycloak's secrets and logs"
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

resource "aws_cloudwatch_log_group" "this" {
  name              = "/${var.name}/keycloak"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = var.tags
}

# ----------------------------------------------------------------------------- secrets
data "aws_secretsmanager_random_password" "admin" {
  password_length = 32
}

resource "terraform_data" "admin_password" {
  input            = sensitive(data.aws_secretsmanager_random_password.admin.random_password)
  triggers_replace = [var.credentials_version]

  lifecycle {
    ignore_changes = [input]
  }
}

# The temporary administrator Keycloak creates on its first start (replace it with a real account).
resource "aws_secretsmanager_secret" "admin" {
  #checkov:skip=CKV2_AWS_57:Used once, on Keycloak's first start, to create the bootstrap administrator; afterwards administrators are real accounts, so there is nothing to rotate.
  name                    = "${var.name}/keycloak-admin"
  description             = "Keycloak's bootstrap administrator (JSON keys username, password)"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = 7
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "admin" {
  secret_id = aws_secretsmanager_secret.admin.id
  secret_string_wo = jsonencode({
    username = "bootstrap-admin"
    password = terraform_data.admin_password.output
  })
  secret_string_wo_version = var.credentials_version
}

# The platform's client secrets (ikomek-web, ikomek-provisioner) are issued in Keycloak; an
# administrator copies them here after importing the realm. Terraform creates the entry, never a value.
resource "aws_secretsmanager_secret" "clients" {
  #checkov:skip=CKV2_AWS_57:The values are issued by Keycloak (regenerate the client secret there, then store it here and redeploy); Secrets Manager cannot rotate them itself.
  name                    = "${var.name}/keycloak-clients"
  description             = "Client secrets the platform presents to Keycloak (JSON keys web, provisioner), set by an administrator"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = 7
  tags                    = var.tags
}

# ----------------------------------------------------------------------------- roles
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

resource "aws_iam_role" "execution" {
  name               = "${var.name}-keycloak-execution"
  assume_role_policy = data.aws_iam_policy_document.tasks_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "read_secrets" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.database_secret_ref, aws_secretsmanager_secret.admin.arn]
  }
  statement {
    actions   = ["kms:Decrypt"]
    resources = [var.database_secret_encryption_key_ref, aws_kms_key.this.arn]
  }
}

resource "aws_iam_role_policy" "read_secrets" {
  name   = "read-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.read_secrets.json
}

# Keycloak calls no provider API: its task role carries no permission.
resource "aws_iam_role" "task" {
  name               = "${var.name}-keycloak"
  assume_role_policy = data.aws_iam_policy_document.tasks_assume.json
  tags               = var.tags
}

# ----------------------------------------------------------------------------- network
resource "aws_security_group" "this" {
  name        = "${var.name}-keycloak"
  description = "Keycloak: HTTP and health from the load balancer, clustering between its tasks"
  vpc_id      = var.network_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  security_group_id            = aws_security_group.this.id
  description                  = "Keycloak HTTP from the load balancer"
  referenced_security_group_id = var.load_balancer_access_group_id
  ip_protocol                  = "tcp"
  from_port                    = local.http_port
  to_port                      = local.http_port
}

resource "aws_vpc_security_group_ingress_rule" "health" {
  security_group_id            = aws_security_group.this.id
  description                  = "Keycloak health checks from the load balancer"
  referenced_security_group_id = var.load_balancer_access_group_id
  ip_protocol                  = "tcp"
  from_port                    = local.management_port
  to_port                      = local.management_port
}

resource "aws_vpc_security_group_ingress_rule" "cluster" {
  security_group_id            = aws_security_group.this.id
  description                  = "Keycloak cluster traffic between its tasks"
  referenced_security_group_id = aws_security_group.this.id
  ip_protocol                  = "tcp"
  from_port                    = local.cluster_port
  to_port                      = local.cluster_port
}

resource "aws_vpc_security_group_egress_rule" "cluster" {
  security_group_id            = aws_security_group.this.id
  description                  = "Keycloak cluster traffic between its tasks"
  referenced_security_group_id = aws_security_group.this.id
  ip_protocol                  = "tcp"
  from_port                    = local.cluster_port
  to_port                      = local.cluster_port
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to mail relays, identity brokers and the provider's APIs"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "load_balancer_http" {
  security_group_id            = var.load_balancer_access_group_id
  description                  = "Load balancer to Keycloak HTTP"
  referenced_security_group_id = aws_security_group.this.id
  ip_protocol                  = "tcp"
  from_port                    = local.http_port
  to_port                      = local.http_port
}

resource "aws_vpc_security_group_egress_rule" "load_balancer_health" {
  security_group_id            = var.load_balancer_access_group_id
  description                  = "Load balancer to Keycloak health"
  referenced_security_group_id = aws_security_group.this.id
  ip_protocol                  = "tcp"
  from_port                    = local.management_port
  to_port                      = local.management_port
}

# ----------------------------------------------------------------------------- load balancing
resource "aws_lb_target_group" "this" {
  #checkov:skip=CKV_AWS_378:Reached only through the HTTPS listener's host rule (checkov follows a listener's default action only): TLS ends at the load balancer, the hop to the task stays in private subnets open to the load balancer alone.
  name                 = "${var.name}-keycloak"
  port                 = local.http_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.network_id
  deregistration_delay = 30

  health_check {
    port                = tostring(local.management_port)
    path                = "/health/ready"
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  # Login flows keep their state in the Keycloak node that started them.
  stickiness {
    type    = "lb_cookie"
    enabled = true
  }

  tags = var.tags
}

resource "aws_lb_listener_rule" "this" {
  listener_arn = var.https_listener_ref
  priority     = var.listener_rule_priority

  condition {
    host_header {
      values = [var.hostname]
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  tags = var.tags
}

# ----------------------------------------------------------------------------- the service
resource "aws_ecs_task_definition" "this" {
  family                   = "${var.name}-keycloak"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  volume {
    name = "tmp"
  }
  volume {
    name = "data"
  }
  container_definitions = jsonencode([{
    name                   = "keycloak"
    image                  = var.image
    essential              = true
    command                = ["start"]
    readonlyRootFilesystem = true
    portMappings = [
      { containerPort = local.http_port, protocol = "tcp" },
      { containerPort = local.management_port, protocol = "tcp" },
      { containerPort = local.cluster_port, protocol = "tcp" },
    ]
    mountPoints = [
      { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
      { sourceVolume = "data", containerPath = "/opt/keycloak/data", readOnly = false },
    ]
    environment = [
      { name = "KC_HOSTNAME", value = "https://${var.hostname}" },
      { name = "KC_HTTP_ENABLED", value = "true" }, # TLS ends at the load balancer
      { name = "KC_PROXY_HEADERS", value = "xforwarded" },
      { name = "KC_HEALTH_ENABLED", value = "true" },
      { name = "KC_METRICS_ENABLED", value = "true" },
      { name = "KC_DB", value = "postgres" },
      { name = "KC_CACHE", value = "ispn" },
      { name = "KC_CACHE_STACK", value = "jdbc-ping" },
      { name = "KC_LOG_CONSOLE_OUTPUT", value = "json" },
    ]
    secrets = [
      { name = "KC_DB_URL", valueFrom = "${var.database_secret_ref}:jdbc_url::" },
      { name = "KC_DB_USERNAME", valueFrom = "${var.database_secret_ref}:username::" },
      { name = "KC_DB_PASSWORD", valueFrom = "${var.database_secret_ref}:password::" },
      { name = "KC_BOOTSTRAP_ADMIN_USERNAME", valueFrom = "${aws_secretsmanager_secret.admin.arn}:username::" },
      { name = "KC_BOOTSTRAP_ADMIN_PASSWORD", valueFrom = "${aws_secretsmanager_secret.admin.arn}:password::" },
    ]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = "keycloak"
      }
    }
  }])
  tags = var.tags
}

resource "aws_ecs_service" "this" {
  name                              = "keycloak"
  cluster                           = var.cluster_id
  task_definition                   = aws_ecs_task_definition.this.arn
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  desired_count                     = var.min_tasks
  health_check_grace_period_seconds = 180 # Keycloak starts slowly
  propagate_tags                    = "SERVICE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.this.id, var.database_access_group_id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = "keycloak"
    container_port   = local.http_port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  lifecycle {
    ignore_changes = [desired_count]
  }

  tags       = var.tags
  depends_on = [aws_lb_listener_rule.this]
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${element(split("/", var.cluster_id), length(split("/", var.cluster_id)) - 1)}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_tasks
  max_capacity       = var.max_tasks
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-keycloak-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = 60
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
