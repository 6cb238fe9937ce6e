terraform {
  required_version = ">= 1.11.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }

  # State holds generated credentials: keep it in an encrypted, access-restricted bucket, e.g.
  #   terraform init -backend-config="bucket=..." -backend-config="key=ikomek/reference.tfstate" \
  #     -backend-config="region=..." -backend-config="encrypt=true" -backend-config="kms_key_id=..." \
  #     -backend-config="use_lockfile=true"
  # (the checks run `terraform init -backend=false`).
  backend "s3" {}
}

provider "aws" {
  region = var.region
  default_tags {
    tags = merge(var.tags, { Project = "ikomek", Environment = var.name })
  }
}
