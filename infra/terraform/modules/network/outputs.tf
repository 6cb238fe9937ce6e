output "network_id" {
  description = "The private network the other modules place their resources in."
  value       = aws_vpc.this.id
}

output "cidr_block" {
  description = "Address range of the network."
  value       = aws_vpc.this.cidr_block
}

output "zones" {
  description = "Availability zones the subnets cover, in subnet order."
  value       = local.zones
}

output "public_subnet_ids" {
  description = "Subnets reachable from the internet: the load balancer only."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Subnets of the services (outbound internet through NAT)."
  value       = aws_subnet.private[*].id
}

output "data_subnet_ids" {
  description = "Isolated subnets of the database and cache (no internet route)."
  value       = aws_subnet.data[*].id
}
