"""Every environment variable platformctl reads, in one place."""

PREFIX = "PLATFORMCTL_"
TRACEBACK = "PLATFORMCTL_TRACEBACK"  # 1: show the stack trace of errors
PLATFORM_FILE = "PLATFORMCTL_PLATFORM_FILE"  # path of platform.yaml
STATE_URL = "PLATFORMCTL_STATE_URL"  # Pulumi backend: s3://bucket?region=… (what bootstrap makes) or file:///dir
SECRETS_PROVIDER = "PLATFORMCTL_SECRETS_PROVIDER"  # Pulumi secrets: awskms://alias/…?region=…; unset: passphrase (PULUMI_CONFIG_PASSPHRASE)
WORK_DIR = "PLATFORMCTL_WORK_DIR"  # where each run's per-layer working folders go (default: the system temp folder)
POLICY_CONTEXT = "PLATFORMCTL_POLICY_CONTEXT"  # JSON policy context the CrossGuard pack judges a stack by
# Standard variables keep their standard meaning.
AWS_PROFILE = "AWS_PROFILE"
AWS_REGION = "AWS_REGION"
AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL"
KUBECONFIG = "KUBECONFIG"
NO_COLOR = "NO_COLOR"
OUTPUTS_FILE = "PLATFORMCTL_OUTPUTS_FILE"  # the environment's layer outputs (JSON), for render and deploy
# GitHub Actions, read by deploy to record who deployed what and to write a step summary.
GITHUB_ACTOR = "GITHUB_ACTOR"
GITHUB_RUN_ID = "GITHUB_RUN_ID"
GITHUB_SHA = "GITHUB_SHA"
GITHUB_STEP_SUMMARY = "GITHUB_STEP_SUMMARY"
# Datadog keys for `deploy --verify datadog` (or the Secrets Manager secret named by DATADOG_API_KEY_SECRET).
DATADOG_API_KEY = "DD_API_KEY"
DATADOG_APP_KEY = "DD_APP_KEY"
DATADOG_KEYS_SECRET = "PLATFORMCTL_DATADOG_SECRET"  # a Secrets Manager secret {"api_key": …, "app_key": …}
DATADOG_API_URL = "PLATFORMCTL_DATADOG_URL"  # override of https://api.<site>, for a proxy (and the tests' stand-in)
