# Alarms on what the 109 line's users feel (5xx, latency), on the work waiting (Celery queue depth),
# on the federation between akimats and the region (relay lag, dead letters), and on the database's
# replicas (replication lag), sent to one encrypted topic. The platform's own figures arrive as JSON
# log lines that metric filters turn into metrics: the contract is in infra/README.md.
data "aws_caller_identity" "current" {}

locals {
  period = 60
}

resource "aws_kms_key" "this" {
  description         = "${var.name}: alarm notifications"
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
    sid       = "AlarmsPublish"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = aws_kms_key.this.arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each  = toset(var.alarm_emails)
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

# ----------------------------------------------------------------------------- the platform's metrics
resource "aws_cloudwatch_log_metric_filter" "queue_depth" {
  name           = "${var.name}-queue-depth"
  log_group_name = var.platform_log_group
  pattern        = "{ $.metric = \"queue_depth\" }"
  metric_transformation {
    name       = "QueueDepth"
    namespace  = var.metrics_namespace
    value      = "$.value"
    dimensions = { Queue = "$.queue" }
    unit       = "Count"
  }
}

resource "aws_cloudwatch_log_metric_filter" "relay_lag" {
  name           = "${var.name}-relay-lag"
  log_group_name = var.platform_log_group
  pattern        = "{ $.metric = \"federation_relay_lag_seconds\" }"
  metric_transformation {
    name      = "FederationRelayLagSeconds"
    namespace = var.metrics_namespace
    value     = "$.value"
    unit      = "Seconds"
  }
}

resource "aws_cloudwatch_log_metric_filter" "dead_letters" {
  name           = "${var.name}-dead-letters"
  log_group_name = var.platform_log_group
  pattern        = "{ $.metric = \"federation_dead_letters\" }"
  metric_transformation {
    name      = "FederationDeadLetters"
    namespace = var.metrics_namespace
    value     = "$.value"
    unit      = "Count"
  }
}

# ----------------------------------------------------------------------------- alarms
resource "aws_cloudwatch_metric_alarm" "http_5xx" {
  alarm_name          = "${var.name}-http-5xx"
  alarm_description   = "More than ${var.http_5xx_percent}% of requests answered 5xx (platform or load balancer) in 3 of 5 minutes."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.http_5xx_percent
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  treat_missing_data  = "notBreaching" # no traffic, no errors
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]

  metric_query {
    id          = "errors_percent"
    expression  = "IF(FILL(requests, 0) > 0, 100 * (FILL(target5xx, 0) + FILL(lb5xx, 0)) / FILL(requests, 0), 0)"
    label       = "5xx share (%)"
    return_data = true
  }
  metric_query {
    id = "target5xx"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      period      = local.period
      stat        = "Sum"
      dimensions  = { LoadBalancer = var.load_balancer_metrics_id, TargetGroup = var.web_target_metrics_id }
    }
  }
  metric_query {
    id = "lb5xx"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      period      = local.period
      stat        = "Sum"
      dimensions  = { LoadBalancer = var.load_balancer_metrics_id }
    }
  }
  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      period      = local.period
      stat        = "Sum"
      dimensions  = { LoadBalancer = var.load_balancer_metrics_id }
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "latency" {
  alarm_name          = "${var.name}-latency-p99"
  alarm_description   = "The web's 99th percentile response time above ${var.latency_p99_seconds} s for 5 minutes."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  dimensions          = { LoadBalancer = var.load_balancer_metrics_id, TargetGroup = var.web_target_metrics_id }
  extended_statistic  = "p99"
  period              = local.period
  evaluation_periods  = 5
  datapoints_to_alarm = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.latency_p99_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# The platform logs these figures every minute (from beat): no figure is as bad as a bad one,
# since it means the beat, a worker or the logging stopped.
resource "aws_cloudwatch_metric_alarm" "queue_depth" {
  for_each            = var.queues
  alarm_name          = "${var.name}-queue-depth-${each.key}"
  alarm_description   = "More than ${each.value} tasks waiting in the Celery queue ${each.key} for 5 minutes, or no figure reported."
  namespace           = var.metrics_namespace
  metric_name         = "QueueDepth"
  dimensions          = { Queue = each.key }
  statistic           = "Maximum"
  period              = local.period
  evaluation_periods  = 5
  datapoints_to_alarm = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "relay_lag" {
  alarm_name          = "${var.name}-relay-lag"
  alarm_description   = "The oldest undelivered federation message is older than ${var.relay_lag_seconds} s, or no figure reported."
  namespace           = var.metrics_namespace
  metric_name         = "FederationRelayLagSeconds"
  statistic           = "Maximum"
  period              = local.period
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.relay_lag_seconds
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  alarm_name          = "${var.name}-dead-letters"
  alarm_description   = "Federation messages were given up on (dead letters): see `manage.py federation_status --dead`."
  namespace           = var.metrics_namespace
  metric_name         = "FederationDeadLetters"
  statistic           = "Maximum"
  period              = local.period
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.dead_letters
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "replication_lag" {
  for_each            = toset(var.database_replica_ids)
  alarm_name          = "${var.name}-replication-lag-${each.value}"
  alarm_description   = "The replica ${each.value} is more than ${var.replication_lag_seconds} s behind its primary for 5 minutes."
  namespace           = "AWS/RDS"
  metric_name         = "ReplicaLag"
  dimensions          = { DBInstanceIdentifier = each.value }
  statistic           = "Maximum"
  period              = local.period
  evaluation_periods  = 5
  datapoints_to_alarm = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.replication_lag_seconds
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}
