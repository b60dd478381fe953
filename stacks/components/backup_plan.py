"""The daily AWS Backup plan: a rule with retention and DR copies, its service role, and a selection by tag."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

# Resources that carry this tag are backed up daily: the data layer puts it on what must be kept (see
# BACKUP_TAGS in stacks/data/program.py), so a new resource opts in by its tag, not by an edit here.
BACKUP_TAG_KEY = "backup"
BACKUP_TAG_VALUE = "daily"

# AWS managed policies for the service role: backup and restore, plus S3's own pair (S3 needs extra actions).
SERVICE_ROLE_POLICIES = (
    "policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "policy/AWSBackupServiceRolePolicyForS3Backup",
    "policy/AWSBackupServiceRolePolicyForS3Restore",
)


@dataclass
class BackupPlanArgs:
    resource_prefix: str  # f"{organisation}-{environment}"
    vault_name: pulumi.Input[str]
    schedule: str  # AWS Backup cron expression
    retention_days: int
    partition: pulumi.Input[str]
    dr_vault_arn: pulumi.Input[str] | None = None  # set: copy each recovery point there
    tags: dict[str, str] = field(default_factory=dict)


class BackupPlan(pulumi.ComponentResource):
    plan_id: pulumi.Output[str]
    plan_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: BackupPlanArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:backup:BackupPlan", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-role",
            name=f"{args.resource_prefix}-backup",
            description="Assumed by AWS Backup to back up and restore the tagged resources",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}
                    ],
                }
            ),
            tags=args.tags,
            opts=child,
        )
        attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-{policy.rsplit('/', 1)[1].removeprefix('AWSBackupServiceRolePolicyFor').lower()}",
                role=role.name,
                policy_arn=pulumi.Output.concat("arn:", args.partition, ":iam::aws:", policy),
                opts=child,
            )
            for policy in SERVICE_ROLE_POLICIES
        ]
        lifecycle: aws.backup.PlanRuleLifecycleArgsDict = {"delete_after": args.retention_days}
        rule: aws.backup.PlanRuleArgsDict = {
            "rule_name": "daily",
            "target_vault_name": args.vault_name,
            "schedule": args.schedule,
            "start_window": 60,
            "completion_window": 360,
            "lifecycle": lifecycle,
            "recovery_point_tags": args.tags,
        }
        if args.dr_vault_arn is not None:
            rule["copy_actions"] = [{"destination_vault_arn": args.dr_vault_arn, "lifecycle": lifecycle}]
        plan = aws.backup.Plan(f"{name}-plan", name=f"{args.resource_prefix}-daily", rules=[rule], tags=args.tags, opts=child)
        aws.backup.Selection(
            f"{name}-selection",
            name=f"{args.resource_prefix}-tagged-{BACKUP_TAG_VALUE}",
            plan_id=plan.id,
            iam_role_arn=role.arn,
            resources=["*"],
            selection_tags=[{"type": "STRINGEQUALS", "key": BACKUP_TAG_KEY, "value": BACKUP_TAG_VALUE}],
            # The role must hold its policies before the first job runs under it.
            opts=pulumi.ResourceOptions(parent=self, depends_on=attachments),
        )
        self.plan_id = plan.id
        self.plan_arn = plan.arn
        self.role_arn = role.arn
        self.register_outputs({"plan_id": self.plan_id, "plan_arn": self.plan_arn, "role_arn": self.role_arn})
