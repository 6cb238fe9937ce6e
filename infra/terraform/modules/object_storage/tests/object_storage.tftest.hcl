# Offline: the AWS provider is mocked (shared values in infra/terraform/tests/mocks); the
# assertions are on the configuration as planned and applied.
mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name        = "ikomek-test"
  bucket_name = "ikomek-test-attachments"
}

run "private_versioned_encrypted_tls_only" {
  command = apply

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.attachments.block_public_acls,
      aws_s3_bucket_public_access_block.attachments.block_public_policy,
      aws_s3_bucket_public_access_block.attachments.ignore_public_acls,
      aws_s3_bucket_public_access_block.attachments.restrict_public_buckets,
      aws_s3_bucket_public_access_block.access_logs.block_public_acls,
      aws_s3_bucket_public_access_block.access_logs.restrict_public_buckets,
    ])
    error_message = "Neither bucket may ever be public."
  }
  assert {
    condition     = one(aws_s3_bucket_ownership_controls.attachments.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs are disabled: the bucket policy alone grants access."
  }
  assert {
    condition     = one(aws_s3_bucket_versioning.attachments.versioning_configuration).status == "Enabled"
    error_message = "Attachments are versioned (an overwrite or delete can be undone)."
  }
  assert {
    condition = alltrue([
      for rule in aws_s3_bucket_server_side_encryption_configuration.attachments.rule : alltrue([
        for d in rule.apply_server_side_encryption_by_default : d.sse_algorithm == "aws:kms" && d.kms_master_key_id == aws_kms_key.this.arn
      ])
    ])
    error_message = "Attachments are encrypted with the module's own KMS key."
  }
  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "The key rotates."
  }
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.attachments.statement : s.effect == "Deny" && anytrue([
        for c in s.condition : c.variable == "aws:SecureTransport" && contains(c.values, "false")
      ])
    ])
    error_message = "The bucket policy refuses every request without TLS."
  }
  assert {
    condition     = aws_s3_bucket_policy.attachments.policy == data.aws_iam_policy_document.attachments.json
    error_message = "That policy is the bucket's."
  }
  assert {
    condition     = aws_s3_bucket_logging.attachments.target_bucket == aws_s3_bucket.access_logs.id
    error_message = "Every access to the attachments is logged."
  }
  assert {
    condition     = output.bucket_name == "ikomek-test-attachments"
    error_message = "The bucket's name is handed to the platform (ATTACHMENTS_BUCKET)."
  }
}

run "services_get_objects_not_administration" {
  command = apply

  assert {
    condition = toset(flatten([for s in data.aws_iam_policy_document.read_write.statement : s.actions])) == toset([
      "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectVersion", "s3:ListBucket", "kms:Decrypt", "kms:GenerateDataKey",
    ])
    error_message = "The services may read, write and delete objects, nothing else."
  }
}
