"""Every environment variable platformctl reads, in one place."""

PREFIX = "PLATFORMCTL_"
TRACEBACK = "PLATFORMCTL_TRACEBACK"  # 1: show the stack trace of errors
PLATFORM_FILE = "PLATFORMCTL_PLATFORM_FILE"  # path of platform.yaml
STATE_URL = "PLATFORMCTL_STATE_URL"  # Pulumi backend: s3://bucket?region=… (what bootstrap makes) or file:///dir
SECRETS_PROVIDER = "PLATFORMCTL_SECRETS_PROVIDER"  # Pulumi secrets: awskms://alias/…?region=…; unset: passphrase (PULUMI_CONFIG_PASSPHRASE)
WORK_DIR = "PLATFORMCTL_WORK_DIR"  # where each run's per-layer working folders go (default: the system temp folder)
# Standard variables keep their standard meaning.
AWS_PROFILE = "AWS_PROFILE"
AWS_REGION = "AWS_REGION"
AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL"
KUBECONFIG = "KUBECONFIG"
NO_COLOR = "NO_COLOR"
