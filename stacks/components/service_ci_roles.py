"""A service's CI roles for GitHub Actions: build pushes to its repository, deploy acts in its namespace only."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from stacks.components import service_policies

# EKS's managed access policy for editing namespaced objects (no RBAC or access-entry changes), scoped below.
EDIT_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"


def build_role_name(service: str) -> str:
    return f"{service}-ci-build"


def deploy_role_name(service: str, environment: str) -> str:
    return f"{service}-{environment}-ci-deploy"


@dataclass
class ServiceCiRolesArgs:
    service: str
    environment: str
    repository: str  # GitHub owner/name
    github_environments: list[str]  # protected GitHub environments whose jobs deploy to this environment
    oidc_provider_arn: pulumi.Input[str]  # GitHub's, from the identity layer
    cluster_name: pulumi.Input[str]
    cluster_arn: pulumi.Input[str]
    namespace: pulumi.Input[str]
    image_repository_arn: pulumi.Input[str] | None = None  # set in the environment that owns the registry: it makes the build role
    build_branch: str = "main"
    tags: dict[str, str] = field(default_factory=dict)


class ServiceCiRoles(pulumi.ComponentResource):
    build_role_arn: pulumi.Output[str] | None
    deploy_role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ServiceCiRolesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:service:ServiceCiRoles", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if not args.github_environments:
            raise ValueError(f"service {args.service}: the deploy role needs at least one protected GitHub environment")
        self.build_role_arn = None
        if args.image_repository_arn is not None:
            build = aws.iam.Role(
                f"{name}-build",
                name=build_role_name(args.service),
                description=f"GitHub Actions of {args.repository}, branch {args.build_branch}: push images of {args.service}",
                # Only pushes to the main branch build images; pull requests from forks never reach this role.
                assume_role_policy=pulumi.Output.from_input(args.oidc_provider_arn).apply(
                    lambda arn: service_policies.github_trust(arn, args.repository, [f"ref:refs/heads/{args.build_branch}"])
                ),
                max_session_duration=3600,
                tags=args.tags,
                opts=child,
            )
            aws.iam.RolePolicy(
                f"{name}-build-policy", role=build.id, name="push-own-repository",
                policy=pulumi.Output.from_input(args.image_repository_arn).apply(service_policies.build_policy), opts=child,
            )
            self.build_role_arn = build.arn
        deploy = aws.iam.Role(
            f"{name}-deploy",
            name=deploy_role_name(args.service, args.environment),
            description=f"GitHub Actions of {args.repository}, environments {', '.join(args.github_environments)}: deploy {args.service} to {args.environment}",
            assume_role_policy=pulumi.Output.from_input(args.oidc_provider_arn).apply(
                lambda arn: service_policies.github_trust(arn, args.repository, [f"environment:{e}" for e in args.github_environments])
            ),
            max_session_duration=3600,
            tags=args.tags,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-deploy-policy", role=deploy.id, name="describe-own-cluster",
            policy=pulumi.Output.from_input(args.cluster_arn).apply(service_policies.deploy_policy), opts=child,
        )
        entry = aws.eks.AccessEntry(
            f"{name}-deploy-access", cluster_name=args.cluster_name, principal_arn=deploy.arn, type="STANDARD", tags=args.tags, opts=child
        )
        aws.eks.AccessPolicyAssociation(
            f"{name}-deploy-namespace",
            cluster_name=args.cluster_name,
            principal_arn=deploy.arn,
            policy_arn=EDIT_POLICY,
            access_scope={"type": "namespace", "namespaces": [args.namespace]},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[entry]),
        )
        self.deploy_role_arn = deploy.arn
        self.register_outputs({"buildRoleArn": self.build_role_arn, "deployRoleArn": self.deploy_role_arn})
