output "alarm_topic_ref" {
  description = "Topic every alarm notifies (subscribe a pager or chat bridge to it)."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_names" {
  description = "Every alarm by its provider-neutral name (the same names as the Prometheus alerts in infra/README.md)."
  value = merge(
    {
      "http-5xx"     = aws_cloudwatch_metric_alarm.http_5xx.alarm_name
      "latency-p99"  = aws_cloudwatch_metric_alarm.latency.alarm_name
      "relay-lag"    = aws_cloudwatch_metric_alarm.relay_lag.alarm_name
      "dead-letters" = aws_cloudwatch_metric_alarm.dead_letters.alarm_name
    },
    { for queue, alarm in aws_cloudwatch_metric_alarm.queue_depth : "queue-depth-${queue}" => alarm.alarm_name },
    { for replica, alarm in aws_cloudwatch_metric_alarm.replication_lag : "replication-lag-${replica}" => alarm.alarm_name },
  )
}
