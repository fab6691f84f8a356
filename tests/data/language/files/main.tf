terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

resource "aws_s3_bucket" "logs" {
  bucket = "example-logs-${var.region}"
  tags = {
    Environment = "dev"
  }
}

output "bucket_arn" {
  value = aws_s3_bucket.logs.arn
}
