"""Every environment variable platformctl reads, in one place."""

PREFIX = "PLATFORMCTL_"
TRACEBACK = "PLATFORMCTL_TRACEBACK"  # 1: show the stack trace of errors
PLATFORM_FILE = "PLATFORMCTL_PLATFORM_FILE"  # path of platform.yaml
STATE_URL = "PLATFORMCTL_STATE_URL"  # Pulumi backend: s3://bucket or file://dir
POLICY_CONTEXT = "PLATFORMCTL_POLICY_CONTEXT"  # JSON policy context the CrossGuard pack judges a stack by
# Standard variables keep their standard meaning.
AWS_PROFILE = "AWS_PROFILE"
AWS_REGION = "AWS_REGION"
AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL"
KUBECONFIG = "KUBECONFIG"
NO_COLOR = "NO_COLOR"
