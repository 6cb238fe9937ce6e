# Shared values for the mocked AWS provider in every module's tests (terraform test, offline).
# The provider validates ARNs and policy JSON even when mocked, so the computed values it would
# invent are given a realistic shape here. Tests override single resources where identity matters.

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:user/terraform"
  }
}

mock_data "aws_region" {
  defaults = {
    name = "eu-central-1"
  }
}

mock_data "aws_availability_zones" {
  defaults = {
    names = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
  }
}

mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_resource "aws_kms_key" {
  defaults = {
    arn    = "arn:aws:kms:eu-central-1:123456789012:key/00000000-0000-0000-0000-000000000001"
    key_id = "00000000-0000-0000-0000-000000000001"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/mocked"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:eu-central-1:123456789012:log-group:mocked"
  }
}

mock_resource "aws_secretsmanager_secret" {
  defaults = {
    arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:mocked-AbCdEf"
    id  = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:mocked-AbCdEf"
  }
}

mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:eu-central-1:123456789012:mocked"
    id  = "arn:aws:sns:eu-central-1:123456789012:mocked"
  }
}

mock_resource "aws_s3_bucket" {
  defaults = {
    arn    = "arn:aws:s3:::mocked"
    region = "eu-central-1"
  }
}

mock_resource "aws_db_instance" {
  defaults = {
    arn     = "arn:aws:rds:eu-central-1:123456789012:db:mocked"
    address = "mocked.abcdefghijkl.eu-central-1.rds.amazonaws.com"
  }
}

mock_resource "aws_elasticache_replication_group" {
  defaults = {
    arn                      = "arn:aws:elasticache:eu-central-1:123456789012:replicationgroup:mocked"
    primary_endpoint_address = "master.mocked.abcdef.euc1.cache.amazonaws.com"
  }
}

mock_resource "aws_ecs_cluster" {
  defaults = {
    arn = "arn:aws:ecs:eu-central-1:123456789012:cluster/mocked"
    id  = "arn:aws:ecs:eu-central-1:123456789012:cluster/mocked"
  }
}

mock_resource "aws_ecs_task_definition" {
  defaults = {
    arn = "arn:aws:ecs:eu-central-1:123456789012:task-definition/mocked:1"
  }
}

mock_resource "aws_lb" {
  defaults = {
    arn        = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/mocked/0123456789abcdef"
    id         = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/app/mocked/0123456789abcdef"
    arn_suffix = "app/mocked/0123456789abcdef"
    dns_name   = "mocked-123.eu-central-1.elb.amazonaws.com"
    zone_id    = "Z215JYRZR1TBD5"
  }
}

mock_resource "aws_lb_target_group" {
  defaults = {
    arn        = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/mocked/0123456789abcdef"
    arn_suffix = "targetgroup/mocked/0123456789abcdef"
  }
}

mock_resource "aws_lb_listener" {
  defaults = {
    arn = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/mocked/0123456789abcdef/0123456789abcdef"
  }
}

mock_resource "aws_acm_certificate" {
  defaults = {
    arn = "arn:aws:acm:eu-central-1:123456789012:certificate/00000000-0000-0000-0000-000000000002"
  }
}

mock_resource "aws_acm_certificate_validation" {
  defaults = {
    certificate_arn = "arn:aws:acm:eu-central-1:123456789012:certificate/00000000-0000-0000-0000-000000000002"
  }
}

mock_resource "aws_wafv2_web_acl" {
  defaults = {
    arn = "arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/mocked/00000000-0000-0000-0000-000000000003"
  }
}
