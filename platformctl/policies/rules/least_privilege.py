"""Least privilege: no admin wildcards, trust pinned to a principal, scoped actions, strong sign-in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platformctl.policies.inputs import as_list, get, is_true, statements
from platformctl.policies.model import Control, Rule, Severity

_LEAST = Control.LEAST_PRIVILEGE
_POLICY_TYPES = ("aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/role:Role")
_ADMIN_POLICIES = ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")
# Route53 actions on records and tags name a hosted zone: granting them on "*" reaches every zone of the account.
_ZONE_ACTIONS = {"route53:changeresourcerecordsets", "route53:listresourcerecordsets", "route53:listtagsforresource", "route53:gethostedzone"}


def _documents(type_token: str, inputs: Mapping[str, Any]) -> list[Any]:
    if type_token == "aws:iam/role:Role":
        return [p.get("policy") for p in inputs.get("inlinePolicies") or []]
    return [inputs.get("policy")]


def _no_star_on_star(type_token: str, inputs: Mapping[str, Any]) -> str | None:
    for document in _documents(type_token, inputs):
        for s in statements(document):
            if s.get("Effect") == "Allow" and "*" in as_list(s.get("Action")) and "*" in as_list(s.get("Resource")):
                return f"statement {s.get('Sid', '(no Sid)')} allows every action on every resource"
    return None


def _trust_not_account_root(_: str, inputs: Mapping[str, Any]) -> str | None:
    for s in statements(inputs.get("assumeRolePolicy")):
        for principal in as_list(get(s, "Principal.AWS")):
            if s.get("Effect") == "Allow" and (principal == "*" or str(principal).endswith(":root")):
                return f"the role trusts every principal of an account ({principal}), not a named role"
    return None


def _federated_trust_pinned(_: str, inputs: Mapping[str, Any]) -> str | None:
    for s in statements(inputs.get("assumeRolePolicy")):
        if s.get("Effect") == "Allow" and get(s, "Principal.Federated"):
            conditions = {k for block in (s.get("Condition") or {}).values() for k in block}
            if not any(k.endswith(":sub") for k in conditions):
                return "a federated (OIDC) trust is not pinned to one subject (no :sub condition)"
    return None


def _no_admin_attachment(_: str, inputs: Mapping[str, Any]) -> str | None:
    arn = str(inputs.get("policyArn", ""))
    return f"attaches the broad managed policy {arn}" if arn.rsplit("/", 1)[-1] in _ADMIN_POLICIES else None


def _zone_scoped_route53(type_token: str, inputs: Mapping[str, Any]) -> str | None:
    for document in _documents(type_token, inputs):
        for s in statements(document):
            zone_actions = {a for a in as_list(s.get("Action")) if str(a).lower() in _ZONE_ACTIONS}
            if s.get("Effect") == "Allow" and zone_actions and "*" in as_list(s.get("Resource")):
                return f"{', '.join(sorted(zone_actions))} granted on every resource instead of arn:aws:route53:::hostedzone/*"
    return None


def _rbac_no_wildcards(_: str, inputs: Mapping[str, Any]) -> str | None:
    for rule in inputs.get("rules") or []:
        for key in ("verbs", "resources", "apiGroups"):
            if "*" in (rule.get(key) or []):
                return f"a rule grants '*' in {key}"
    return None


def _iam_auth(_: str, inputs: Mapping[str, Any]) -> str | None:
    return None if is_true(inputs.get("iamDatabaseAuthenticationEnabled")) else "IAM database authentication is off"


def _no_creator_admin(_: str, inputs: Mapping[str, Any]) -> str | None:
    granted = get(inputs, "accessConfig.bootstrapClusterCreatorAdminPermissions")
    return None if granted is False else "whoever creates the cluster becomes its admin"


def _mfa(_: str, inputs: Mapping[str, Any]) -> str | None:
    return None if inputs.get("mfaConfiguration") == "ON" else f"MFA is {inputs.get('mfaConfiguration', 'OFF')}"


RULES = (
    Rule("LP-001", "No IAM statement allows * on *", _LEAST, Severity.MANDATORY, _POLICY_TYPES,
         "Name the actions and resources the role needs.", check=_no_star_on_star, checkov=("CKV_AWS_62", "CKV_AWS_63")),
    Rule("LP-002", "No role trusts a whole account", _LEAST, Severity.MANDATORY, ("aws:iam/role:Role",),
         "Trust the named role that needs it (e.g. platform-admin), never arn:aws:iam::<account>:root or *.", check=_trust_not_account_root,
         checkov=("CKV_AWS_60",)),
    Rule("LP-003", "IRSA roles trust one service account", _LEAST, Severity.MANDATORY, ("aws:iam/role:Role",),
         "Add a StringEquals condition on <issuer>:sub = system:serviceaccount:<namespace>:<name>.", check=_federated_trust_pinned),
    Rule("LP-004", "No broad AWS-managed admin policy is attached", _LEAST, Severity.MANDATORY,
         ("aws:iam/rolePolicyAttachment:RolePolicyAttachment",), "Attach a policy that names what the role needs.",
         check=_no_admin_attachment, checkov=("CKV_AWS_274",)),
    Rule("LP-005", "Databases accept IAM authentication", _LEAST, Severity.MANDATORY, ("aws:rds/instance:Instance",),
         "Set iamDatabaseAuthenticationEnabled=True.", check=_iam_auth,
         checkov=("CKV_AWS_161",)),
    Rule("LP-006", "Route53 record and tag actions are scoped to hosted zones", _LEAST, Severity.MANDATORY, _POLICY_TYPES,
         "Grant record and tag actions on arn:aws:route53:::hostedzone/*; only ListHostedZones needs '*'.",
         check=_zone_scoped_route53, checkov=("CKV_AWS_355",)),
    Rule("LP-007", "Kubernetes roles name their verbs and resources", _LEAST, Severity.MANDATORY,
         ("kubernetes:rbac.authorization.k8s.io/v1:Role", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"),
         "List the API groups, resources and verbs; never '*'.", check=_rbac_no_wildcards, checkov=("CKV_K8S_49",)),
    Rule("LP-008", "The cluster creator gets no implicit admin", _LEAST, Severity.MANDATORY, ("aws:eks/cluster:Cluster",),
         "Set accessConfig.bootstrapClusterCreatorAdminPermissions=False and grant admins through access entries.",
         check=_no_creator_admin),
    Rule("LP-009", "Sign-in requires MFA", _LEAST, Severity.MANDATORY, ("aws:cognito/userPool:UserPool",),
         "Set mfaConfiguration='ON' with software-token MFA.", check=_mfa),
)
