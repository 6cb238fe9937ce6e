output "cluster_id" {
  description = "The services' cluster (the identity module runs Keycloak in it)."
  value       = aws_ecs_cluster.this.id
}

output "cluster_name" {
  description = "Name of the services' cluster, for alarms."
  value       = aws_ecs_cluster.this.name
}

output "service_names" {
  description = "Names of the services: web, worker-<pool>, beat."
  value       = concat([aws_ecs_service.web.name, aws_ecs_service.beat.name], [for s in aws_ecs_service.worker : s.name])
}

output "https_listener_ref" {
  description = "The HTTPS listener on the wildcard certificate (other services add host rules to it)."
  value       = aws_lb_listener.https.arn
}

output "load_balancer_dns_name" {
  description = "Where the apex and *.<domain> point when DNS is not managed here."
  value       = aws_lb.this.dns_name
}

output "load_balancer_access_group_id" {
  description = "Security group of the load balancer (a service behind it allows it in)."
  value       = aws_security_group.load_balancer.id
}

output "load_balancer_metrics_id" {
  description = "Identifier of the load balancer in its metrics."
  value       = aws_lb.this.arn_suffix
}

output "web_target_metrics_id" {
  description = "Identifier of the web's target group in the load balancer's metrics."
  value       = aws_lb_target_group.web.arn_suffix
}

output "certificate_ref" {
  description = "The wildcard certificate (*.<domain> and <domain>)."
  value       = aws_acm_certificate.wildcard.arn
}

output "certificate_validation_records" {
  description = "DNS records that prove the domain when its zone is not managed here."
  value = {
    for option in aws_acm_certificate.wildcard.domain_validation_options : option.resource_record_name => {
      type  = option.resource_record_type
      value = option.resource_record_value
    }...
  }
}

output "platform_log_group" {
  description = "Log group of web, workers and beat (the platform's JSON logs; metric filters read it)."
  value       = aws_cloudwatch_log_group.platform.name
}

output "log_encryption_key_ref" {
  description = "Key of the services' log groups."
  value       = aws_kms_key.logs.arn
}

output "services_access_group_id" {
  description = "Security group of the platform's tasks."
  value       = aws_security_group.services.id
}

output "private_subnet_ids" {
  description = "Subnets the services (and one-off tasks) run in."
  value       = var.private_subnet_ids
}

output "manage_task_definition" {
  description = "Task definition for one-off management commands (run with a command override)."
  value       = aws_ecs_task_definition.manage.arn
}

output "execution_role_ref" {
  description = "Role that starts the tasks (reads their secrets)."
  value       = aws_iam_role.execution.arn
}

output "plain_settings" {
  description = "Settings the services get as plain values."
  value       = var.environment
}

output "secret_settings" {
  description = "Settings the services read from the secret store at start: name => reference (never the value)."
  value       = { for s in local.secrets : s.name => s.valueFrom }
}

output "certificate_hosts" {
  description = "Names the certificate covers."
  value       = concat([aws_acm_certificate.wildcard.domain_name], tolist(aws_acm_certificate.wildcard.subject_alternative_names))
}
