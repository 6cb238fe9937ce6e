# Offline: the AWS provider is mocked (shared values in infra/terraform/tests/mocks); the
# assertions are on the configuration as planned and applied.
mock_provider "aws" {
  source = "../../tests/mocks"
}

# The certificate as the provider plans it (its validation options are known when planning, which
# the DNS records' for_each relies on); every computed value is given so plan and apply agree.
override_resource {
  target          = aws_acm_certificate.wildcard
  override_during = plan
  values = {
    arn                 = "arn:aws:acm:eu-central-1:123456789012:certificate/00000000-0000-0000-0000-000000000002"
    id                  = "arn:aws:acm:eu-central-1:123456789012:certificate/00000000-0000-0000-0000-000000000002"
    not_before          = "2026-01-01T00:00:00Z"
    not_after           = "2027-01-01T00:00:00Z"
    pending_renewal     = false
    renewal_eligibility = "ELIGIBLE"
    renewal_summary     = []
    status              = "ISSUED"
    type                = "AMAZON_ISSUED"
    validation_emails   = []
    domain_validation_options = [
      { domain_name = "*.ikomek.example", resource_record_name = "_x.ikomek.example.", resource_record_type = "CNAME", resource_record_value = "_y.acm-validations.aws." },
      { domain_name = "ikomek.example", resource_record_name = "_x.ikomek.example.", resource_record_type = "CNAME", resource_record_value = "_y.acm-validations.aws." },
    ]
  }
}

variables {
  name               = "ikomek-test"
  network_id         = "vpc-test"
  public_subnet_ids  = ["subnet-pa", "subnet-pb"]
  private_subnet_ids = ["subnet-a", "subnet-b"]
  domain             = "ikomek.example"
  image              = "registry.example/ikomek@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  environment        = { IKOMEK_ENV = "production", ATTACHMENTS_BUCKET = "ikomek-test-attachments" }
  secrets = {
    DATABASE_URL      = { ref = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-test/database-AbCdEf", key = "url" }
    DJANGO_SECRET_KEY = { ref = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-test/django-AbCdEf" }
  }
  secret_encryption_key_refs = ["arn:aws:kms:eu-central-1:123456789012:key/11111111-1111-1111-1111-111111111111"]
  task_policies              = { attachments = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
}

run "wildcard_certificate_tls_only" {
  command = apply

  assert {
    condition     = aws_acm_certificate.wildcard.domain_name == "*.ikomek.example" && contains(aws_acm_certificate.wildcard.subject_alternative_names, "ikomek.example")
    error_message = "One certificate for every akimat's subdomain and the region's apex."
  }
  assert {
    condition     = aws_lb_listener.https.protocol == "HTTPS" && aws_lb_listener.https.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06" && aws_lb_listener.https.certificate_arn == aws_acm_certificate.wildcard.arn
    error_message = "HTTPS on the wildcard certificate with TLS 1.2+."
  }
  assert {
    condition     = one(one(aws_lb_listener.http.default_action).redirect).protocol == "HTTPS" && one(one(aws_lb_listener.http.default_action).redirect).status_code == "HTTP_301"
    error_message = "Plain HTTP only redirects to HTTPS."
  }
  assert {
    condition     = aws_lb.this.drop_invalid_header_fields && one(aws_lb.this.access_logs).enabled && aws_lb.this.enable_deletion_protection
    error_message = "The load balancer drops malformed headers, logs every request and resists deletion."
  }
  assert {
    condition     = aws_wafv2_web_acl_association.this.resource_arn == aws_lb.this.arn
    error_message = "The firewall sits in front of the load balancer."
  }
  assert {
    condition     = length(aws_route53_record.validation) == 0 && length(aws_route53_record.hosts) == 0
    error_message = "Without a zone no DNS record is made (the outputs list them)."
  }
}

run "services_scale_within_bounds" {
  command = apply

  assert {
    condition     = aws_appautoscaling_target.web.min_capacity == 2 && aws_appautoscaling_target.web.max_capacity == 10
    error_message = "The web runs 2 to 10 tasks."
  }
  assert {
    condition     = { for pool, t in aws_appautoscaling_target.worker : pool => [t.min_capacity, t.max_capacity] } == { default = [1, 6], urgent = [2, 6], cad = [2, 6], webhooks = [1, 6] }
    error_message = "A worker service per queue pool with its bounds; urgent and cad never below two."
  }
  assert {
    condition     = one(aws_appautoscaling_policy.web_requests.target_tracking_scaling_policy_configuration).target_value == 1000 && one(aws_appautoscaling_policy.web_cpu.target_tracking_scaling_policy_configuration).target_value == 60
    error_message = "The web scales on requests per task and on CPU."
  }
  assert {
    condition     = aws_ecs_service.beat.desired_count == 1 && aws_ecs_service.beat.deployment_maximum_percent == 100 && aws_ecs_service.beat.deployment_minimum_healthy_percent == 0
    error_message = "Exactly one beat, also while deploying."
  }
  assert {
    condition     = alltrue([for s in concat([aws_ecs_service.web, aws_ecs_service.beat], values(aws_ecs_service.worker)) : one(s.network_configuration).assign_public_ip == false])
    error_message = "No task gets a public address."
  }
}

run "a_pool_of_two_queues_scales_on_their_sum" {
  command = apply
  variables {
    worker_pools = { fast = { queues = ["urgent", "cad"] } }
  }

  assert {
    condition     = one([for m in one(one(aws_appautoscaling_policy.worker_backlog["fast"].target_tracking_scaling_policy_configuration).customized_metric_specification).metrics : m.expression if m.return_data == true]) == "(q0 + q1) / tasks"
    error_message = "The backlog per task adds the pool's queues."
  }
  assert {
    condition     = contains(jsondecode(aws_ecs_task_definition.worker["fast"].container_definitions)[0].command, "urgent,cad")
    error_message = "The worker consumes both queues."
  }
}

run "secrets_by_reference_only" {
  command = apply

  assert {
    condition     = { for s in jsondecode(aws_ecs_task_definition.web.container_definitions)[0].secrets : s.name => s.valueFrom } == { DATABASE_URL = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-test/database-AbCdEf:url::", DJANGO_SECRET_KEY = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-test/django-AbCdEf" }
    error_message = "Secrets reach the containers as references resolved at start."
  }
  assert {
    condition     = !contains([for e in jsondecode(aws_ecs_task_definition.web.container_definitions)[0].environment : e.name], "DATABASE_URL")
    error_message = "No secret among the plain settings."
  }
  assert {
    condition     = alltrue([for d in concat([aws_ecs_task_definition.web, aws_ecs_task_definition.beat, aws_ecs_task_definition.manage], values(aws_ecs_task_definition.worker)) : jsondecode(d.container_definitions)[0].readonlyRootFilesystem])
    error_message = "Every container's root filesystem is read-only."
  }
  assert {
    condition     = toset(one([for s in data.aws_iam_policy_document.read_secrets[0].statement : s.resources if s.sid == "Secrets"])) == toset([for s in values(var.secrets) : s.ref])
    error_message = "The services may read exactly the secrets they are given."
  }
  assert {
    condition     = aws_iam_role_policy.task["attachments"].role == aws_iam_role.task.id && aws_iam_role.task.arn != null
    error_message = "The running platform gets the attachments' policy."
  }
}

run "a_managed_zone_gets_validation_and_host_records" {
  command = apply
  variables {
    dns_zone_id = "Z0123456789ABCDEFGHIJ"
  }
  assert {
    condition     = toset(keys(aws_route53_record.validation)) == toset(["*.ikomek.example", "ikomek.example"]) && alltrue([for r in aws_route53_record.validation : r.allow_overwrite])
    error_message = "Apex and wildcard share their validation record."
  }
  assert {
    condition     = toset(keys(aws_route53_record.hosts)) == toset(["ikomek.example", "*.ikomek.example"])
    error_message = "The apex and every subdomain point at the load balancer."
  }
  assert {
    condition     = aws_lb_listener.https.certificate_arn == aws_acm_certificate_validation.wildcard[0].certificate_arn
    error_message = "The listener waits for the validated certificate."
  }
}

run "an_image_tag_is_refused" {
  command = plan
  variables {
    image = "registry.example/ikomek:latest"
  }
  expect_failures = [var.image]
}

run "a_single_web_task_is_refused" {
  command = plan
  variables {
    web = { min_tasks = 1 }
  }
  expect_failures = [var.web]
}
