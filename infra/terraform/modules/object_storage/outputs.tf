output "bucket_name" {
  description = "The attachments bucket (the platform's ATTACHMENTS_BUCKET)."
  value       = aws_s3_bucket.attachments.bucket
}

output "bucket_region" {
  description = "Region of the bucket (the platform's ATTACHMENTS_REGION)."
  value       = aws_s3_bucket.attachments.region
}

output "access_policy" {
  description = "Policy document granting the services read, write and delete on the attachments (JSON)."
  value       = data.aws_iam_policy_document.read_write.json
}

output "access_log_bucket_name" {
  description = "Where the attachments' access logs go."
  value       = aws_s3_bucket.access_logs.id
}
