"""The environment contract between platform manifests and a service: every variable name, written once.

The deploy manifests set exactly `MANIFEST_VARIABLES`; `platformctl dev` leaves `REMOTE_VARIABLES`
out of a local run. Both read these names from here, and a test checks each one against the
settings classes of service-skeleton/ (the service's side of the contract).
"""

from __future__ import annotations

# Identity of the running copy.
ENVIRONMENT = "ENVIRONMENT"
SERVICE_NAME = "SERVICE_NAME"
VERSION = "VERSION"
FEATURES = "FEATURES"
LOG_JSON = "LOG_JSON"
RATE_LIMITS = "RATE_LIMITS"

# Data stores. The database is reached with IAM authentication (no password in the cluster).
DATABASE_URL = "DATABASE_URL"
DB_IAM_AUTH = "DB_IAM_AUTH"
DB_IAM_REGION = "DB_IAM_REGION"
DB_AUTO_MIGRATE = "DB_AUTO_MIGRATE"
REDIS_URL = "REDIS_URL"
REDIS_PASSWORD_FILE = "REDIS_PASSWORD_FILE"

# Authentication: the identity layer's issuer.
JWT_ISSUER = "JWT_ISSUER"
JWT_AUDIENCE = "JWT_AUDIENCE"
JWKS_URL = "JWKS_URL"

# Secrets arrive as files (FileEnvSource in the skeleton's settings), never as plain variables.
SECRET_KEY_FILE = "SECRET_KEY_FILE"

# Features.
JOBS_QUEUE_URL = "JOBS_QUEUE_URL"
JOBS_REGION = "JOBS_REGION"
JOBS_METRICS_PORT = "JOBS_METRICS_PORT"  # the worker container only: its /metrics is its probe
SEARCH_ENABLED = "SEARCH_ENABLED"
SEARCH_URL = "SEARCH_URL"
SEARCH_AWS_SIGV4 = "SEARCH_AWS_SIGV4"
SEARCH_REGION = "SEARCH_REGION"

MANIFEST_VARIABLES: tuple[str, ...] = (
    ENVIRONMENT, SERVICE_NAME, VERSION, FEATURES, LOG_JSON, RATE_LIMITS,
    DATABASE_URL, DB_IAM_AUTH, DB_IAM_REGION, DB_AUTO_MIGRATE, REDIS_URL, REDIS_PASSWORD_FILE,
    JWT_ISSUER, JWT_AUDIENCE, JWKS_URL, SECRET_KEY_FILE, JOBS_QUEUE_URL, JOBS_REGION, JOBS_METRICS_PORT,
    SEARCH_ENABLED, SEARCH_URL, SEARCH_AWS_SIGV4, SEARCH_REGION,
)  # fmt: skip

# What points a service at real infrastructure: the manifests' connection variables plus the
# other ways of reaching a real backend that only a shell might set.
REMOTE_VARIABLES: tuple[str, ...] = (
    DATABASE_URL, "DB_PASSWORD", "DB_PASSWORD_FILE", DB_IAM_AUTH, DB_AUTO_MIGRATE,
    REDIS_URL, "REDIS_PASSWORD", REDIS_PASSWORD_FILE,
    JWKS_URL, JWT_ISSUER, JWT_AUDIENCE, "SECRETS_DIR",
    "JOBS_BACKEND", JOBS_QUEUE_URL, "JOBS_DLQ_URL", "NOTIFY_BACKEND", "SEARCH_BACKEND", SEARCH_URL,
)  # fmt: skip

# Keys of the service's Secrets Manager secret -> the file the pod reads, named by its *_FILE variable.
SECRET_FILES: dict[str, str] = {"secret_key": SECRET_KEY_FILE, "redis_password": REDIS_PASSWORD_FILE}
SECRETS_MOUNT = "/var/run/secrets/app"
