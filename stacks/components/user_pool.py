"""The Cognito user pool: MFA always on, a strong password policy, threat protection enforced, email verified."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class UserPoolArgs:
    pool_name: str  # e.g. acme-prod-users
    password_minimum_length: int = 14
    temporary_password_validity_days: int = 3
    sms_mfa: bool = False
    self_sign_up: bool = True
    deletion_protection: bool = False
    protect: bool = False
    tags: dict[str, str] = field(default_factory=dict)


def _sms_trust_policy(external_id: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "cognito-idp.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    # Only a user pool that presents this external id may send SMS through the role.
                    "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
                }
            ],
        },
        sort_keys=True,
    )


class UserPool(pulumi.ComponentResource):
    """Users sign in with a verified email address and a TOTP app (SMS as well only when configured)."""

    pool_id: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: UserPoolArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:identity:UserPool", name, None, opts)
        sms: dict = {}
        if args.sms_mfa:
            external_id = f"{args.pool_name}-sms"
            role = aws.iam.Role(
                f"{name}-sms-role",
                name=f"{args.pool_name}-sms",
                assume_role_policy=_sms_trust_policy(external_id),
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            aws.iam.RolePolicy(
                f"{name}-sms-publish",
                role=role.id,
                # SNS SMS goes to phone numbers, not topics: sns:Publish has no narrower resource here.
                policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}]}),
                opts=pulumi.ResourceOptions(parent=self),
            )
            sms = {
                "sms_configuration": {"external_id": external_id, "sns_caller_arn": role.arn},
                "sms_authentication_message": "Your sign-in code is {####}",
            }

        pool = aws.cognito.UserPool(
            f"{name}-pool",
            name=args.pool_name,
            # Threat protection (advanced security) is a Plus-tier feature since the Nov 2024 feature plans.
            user_pool_tier="PLUS",
            user_pool_add_ons={"advanced_security_mode": "ENFORCED"},
            mfa_configuration="ON",
            software_token_mfa_configuration={"enabled": True},
            password_policy={
                "minimum_length": args.password_minimum_length,
                "require_lowercase": True,
                "require_uppercase": True,
                "require_numbers": True,
                "require_symbols": True,
                "temporary_password_validity_days": args.temporary_password_validity_days,
                "password_history_size": 5,
            },
            username_attributes=["email"],
            username_configuration={"case_sensitive": False},
            auto_verified_attributes=["email"],
            # A changed address takes effect only once verified, so an attacker cannot redirect recovery mail.
            user_attribute_update_settings={"attributes_require_verification_before_updates": ["email"]},
            account_recovery_setting={"recovery_mechanisms": [{"name": "verified_email", "priority": 1}]},
            admin_create_user_config={"allow_admin_create_user_only": not args.self_sign_up},
            schemas=[
                {
                    "name": "email",
                    "attribute_data_type": "String",
                    "required": True,
                    "mutable": True,
                    "string_attribute_constraints": {"min_length": "5", "max_length": "254"},
                }
            ],
            deletion_protection="ACTIVE" if args.deletion_protection else "INACTIVE",
            tags=args.tags,
            **sms,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.pool_id = pool.id
        self.arn = pool.arn
        self.register_outputs({"poolId": self.pool_id, "arn": self.arn})
