# Offline: the AWS provider is mocked (shared values in infra/terraform/tests/mocks); the
# assertions are on the configuration as planned and applied.
mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name  = "ikomek-test"
  zones = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
}

run "three_zones_three_tiers" {
  command = apply

  assert {
    condition     = length(aws_subnet.public) == 3 && length(aws_subnet.private) == 3 && length(aws_subnet.data) == 3
    error_message = "Each tier needs a subnet in each of the three zones."
  }
  assert {
    condition     = toset([for s in aws_subnet.data : s.availability_zone]) == toset(["eu-central-1a", "eu-central-1b", "eu-central-1c"])
    error_message = "The data subnets must cover three distinct zones."
  }
  assert {
    condition     = alltrue([for s in concat(aws_subnet.public, aws_subnet.private, aws_subnet.data) : !s.map_public_ip_on_launch])
    error_message = "No subnet may hand out public addresses on launch."
  }
  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(aws_route.private_nat) == 3
    error_message = "One NAT gateway and default route per zone."
  }
  assert {
    condition     = alltrue([for r in aws_route.private_nat : r.destination_cidr_block == "0.0.0.0/0"]) && aws_route.public_internet.gateway_id == aws_internet_gateway.this.id
    error_message = "Public subnets route through the internet gateway, private ones through NAT."
  }
  assert {
    condition     = length(aws_route_table.data.route) == 0
    error_message = "The data tier must have no route out."
  }
  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL" && aws_cloudwatch_log_group.flow.kms_key_id == aws_kms_key.logs.arn
    error_message = "All traffic is flow-logged into a KMS-encrypted log group."
  }
  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The default security group must allow nothing."
  }
  assert {
    condition     = length(toset(concat(output.public_subnet_ids, output.private_subnet_ids, output.data_subnet_ids))) == 9
    error_message = "The outputs must list nine distinct subnets."
  }
}

run "one_zone_is_refused" {
  command = plan
  variables {
    zones = ["eu-central-1a"]
  }
  expect_failures = [var.zones]
}

run "a_zone_the_region_lacks_is_refused" {
  command = plan
  variables {
    zones = ["eu-central-1a", "eu-central-1x"]
  }
  override_data {
    target = data.aws_availability_zones.chosen
    values = { names = ["eu-central-1a"] }
  }
  expect_failures = [data.aws_availability_zones.chosen]
}
