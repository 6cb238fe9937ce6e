# Offline: the AWS provider is mocked (shared values in infra/terraform/tests/mocks); the
# assertions are on the configuration as planned and applied.
mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name                     = "ikomek-test"
  load_balancer_metrics_id = "app/ikomek-test/0123456789abcdef"
  web_target_metrics_id    = "targetgroup/ikomek-test-web/0123456789abcdef"
  platform_log_group       = "/ikomek-test/platform"
  database_replica_ids     = ["ikomek-test-replica-1"]
  alarm_emails             = ["duty@ikomek.example"]
}

run "every_alarm_with_its_threshold" {
  command = apply

  assert {
    condition     = aws_cloudwatch_metric_alarm.http_5xx.alarm_name == "ikomek-test-http-5xx" && aws_cloudwatch_metric_alarm.http_5xx.threshold == 2
    error_message = "5xx alarm above 2% of requests."
  }
  assert {
    condition     = [for q in aws_cloudwatch_metric_alarm.http_5xx.metric_query : q.expression if q.return_data == true] == ["IF(FILL(requests, 0) > 0, 100 * (FILL(target5xx, 0) + FILL(lb5xx, 0)) / FILL(requests, 0), 0)"]
    error_message = "The 5xx alarm watches one computed share: 5xx of the platform and the load balancer over all requests, 0 without traffic."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.latency.extended_statistic == "p99" && aws_cloudwatch_metric_alarm.latency.threshold == 2 && aws_cloudwatch_metric_alarm.latency.dimensions.TargetGroup == "targetgroup/ikomek-test-web/0123456789abcdef"
    error_message = "Latency alarm on the web's p99 above 2 s."
  }
  assert {
    condition     = { for q, a in aws_cloudwatch_metric_alarm.queue_depth : q => a.threshold } == { celery = 500, urgent = 20, cad = 50, webhooks = 2000 }
    error_message = "One queue-depth alarm per Celery queue, urgent the tightest."
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.queue_depth : a.dimensions.Queue != "" && a.metric_name == "QueueDepth" && a.namespace == "iKOMEK"])
    error_message = "Queue depth comes from the platform's QueueDepth metric per queue."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.relay_lag.metric_name == "FederationRelayLagSeconds" && aws_cloudwatch_metric_alarm.relay_lag.threshold == 300
    error_message = "Relay lag alarm above five minutes."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.dead_letters.metric_name == "FederationDeadLetters" && aws_cloudwatch_metric_alarm.dead_letters.threshold == 0 && aws_cloudwatch_metric_alarm.dead_letters.comparison_operator == "GreaterThanThreshold"
    error_message = "A single dead letter raises the alarm."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.replication_lag["ikomek-test-replica-1"].metric_name == "ReplicaLag" && aws_cloudwatch_metric_alarm.replication_lag["ikomek-test-replica-1"].threshold == 60
    error_message = "Replication lag alarm per replica above a minute."
  }
  assert {
    condition = alltrue([
      for a in concat([aws_cloudwatch_metric_alarm.relay_lag, aws_cloudwatch_metric_alarm.dead_letters], values(aws_cloudwatch_metric_alarm.queue_depth)) :
      a.treat_missing_data == "breaching"
    ])
    error_message = "A platform figure that stops arriving raises its alarm (beat or logging stopped)."
  }
  assert {
    condition = alltrue([
      for a in concat([aws_cloudwatch_metric_alarm.http_5xx, aws_cloudwatch_metric_alarm.latency, aws_cloudwatch_metric_alarm.relay_lag, aws_cloudwatch_metric_alarm.dead_letters], values(aws_cloudwatch_metric_alarm.queue_depth), values(aws_cloudwatch_metric_alarm.replication_lag)) :
      a.alarm_actions == toset([aws_sns_topic.alarms.arn])
    ])
    error_message = "Every alarm notifies the topic."
  }
  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == aws_kms_key.this.arn && aws_sns_topic_subscription.email["duty@ikomek.example"].protocol == "email"
    error_message = "The encrypted topic mails the duty address."
  }
  assert {
    condition     = length(output.alarm_names) == 9 && output.alarm_names["dead-letters"] == "ikomek-test-dead-letters"
    error_message = "The alarms are listed by their provider-neutral names."
  }
}

run "platform_figures_come_from_its_json_logs" {
  command = apply

  assert {
    condition     = aws_cloudwatch_log_metric_filter.queue_depth.log_group_name == "/ikomek-test/platform" && one(aws_cloudwatch_log_metric_filter.queue_depth.metric_transformation).dimensions["Queue"] == "$.queue"
    error_message = "Queue depth per queue is read from the platform's log group."
  }
  assert {
    condition     = aws_cloudwatch_log_metric_filter.relay_lag.pattern == "{ $.metric = \"federation_relay_lag_seconds\" }" && aws_cloudwatch_log_metric_filter.dead_letters.pattern == "{ $.metric = \"federation_dead_letters\" }"
    error_message = "The filters match the metric names of the contract in infra/README.md."
  }
}
