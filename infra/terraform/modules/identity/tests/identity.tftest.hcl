# Offline: the AWS provider is mocked (shared values in infra/terraform/tests/mocks); the
# assertions are on the configuration as planned and applied.
mock_provider "aws" {
  source = "../../tests/mocks"
}

override_data {
  target = data.aws_secretsmanager_random_password.admin
  values = { random_password = "mockedBootstrapAdminPassword0123" }
}

variables {
  name                               = "ikomek-test"
  network_id                         = "vpc-test"
  subnet_ids                         = ["subnet-a", "subnet-b"]
  cluster_id                         = "arn:aws:ecs:eu-central-1:123456789012:cluster/ikomek-test"
  https_listener_ref                 = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/ikomek-test/0123456789abcdef/0123456789abcdef"
  load_balancer_access_group_id      = "sg-loadbalancer"
  hostname                           = "login.ikomek.example"
  image                              = "quay.io/keycloak/keycloak@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  database_secret_ref                = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-test-keycloak/database-AbCdEf"
  database_secret_encryption_key_ref = "arn:aws:kms:eu-central-1:123456789012:key/22222222-2222-2222-2222-222222222222"
  database_access_group_id           = "sg-keycloak-db-clients"
}

run "keycloak_in_production_mode_behind_the_proxy" {
  command = apply

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].command == ["start"]
    error_message = "Keycloak runs `start` (production mode), never start-dev."
  }
  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value
      if contains(["KC_HOSTNAME", "KC_PROXY_HEADERS", "KC_HTTP_ENABLED", "KC_DB"], e.name)
      } == {
      KC_HOSTNAME      = "https://login.ikomek.example"
      KC_PROXY_HEADERS = "xforwarded"
      KC_HTTP_ENABLED  = "true"
      KC_DB            = "postgres"
    }
    error_message = "Pinned hostname, TLS at the proxy, external PostgreSQL."
  }
  assert {
    condition = {
      for s in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets : s.name => s.valueFrom if startswith(s.name, "KC_DB_")
      } == {
      KC_DB_URL      = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-test-keycloak/database-AbCdEf:jdbc_url::"
      KC_DB_USERNAME = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-test-keycloak/database-AbCdEf:username::"
      KC_DB_PASSWORD = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ikomek-test-keycloak/database-AbCdEf:password::"
    }
    error_message = "The database's credentials come from its secret."
  }
  assert {
    condition     = one(one(aws_lb_listener_rule.this.condition).host_header).values == toset(["login.ikomek.example"])
    error_message = "The shared listener sends the login host to Keycloak."
  }
  assert {
    condition     = one(aws_lb_target_group.this.health_check).port == "9000" && one(aws_lb_target_group.this.health_check).path == "/health/ready"
    error_message = "Health is read on the management port."
  }
  assert {
    condition     = aws_appautoscaling_target.this.min_capacity == 2 && aws_appautoscaling_target.this.resource_id == "service/ikomek-test/keycloak"
    error_message = "Two Keycloak tasks at least, scaled in the shared cluster."
  }
  assert {
    condition     = aws_secretsmanager_secret_version.admin.secret_string_wo == null && !strcontains(output.admin_secret_ref, nonsensitive(terraform_data.admin_password.output))
    error_message = "The bootstrap password lives in the secret store only."
  }
  assert {
    condition     = output.issuer == "https://login.ikomek.example/realms/ikomek"
    error_message = "The issuer the platform accepts."
  }
}

run "a_single_keycloak_is_refused" {
  command = plan
  variables {
    min_tasks = 1
  }
  expect_failures = [var.min_tasks]
}
