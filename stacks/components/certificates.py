"""An ACM certificate validated through DNS records in the environment's Route53 zone."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass
class DnsValidatedCertificateArgs:
    domain_name: str  # one name (a wildcard covers its apex's validation too): see the record below
    zone_id: pulumi.Input[str]
    tags: dict[str, str] = field(default_factory=dict)


class DnsValidatedCertificate(pulumi.ComponentResource):
    """Certificate, its validation CNAME and the wait for ACM to issue it.

    The region is the provider's: pass an explicit `aws.Provider` in opts for another region
    (CloudFront needs us-east-1); the Route53 record is global whichever provider creates it.
    """

    certificate_arn: pulumi.Output[str]  # the validated ARN: using it waits for issuance
    validation_record_fqdn: pulumi.Output[str]

    def __init__(self, name: str, args: DnsValidatedCertificateArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("platform:edge:DnsValidatedCertificate", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        certificate = aws.acm.Certificate(
            f"{name}-certificate",
            domain_name=args.domain_name,
            validation_method="DNS",
            key_algorithm="RSA_2048",
            tags={**args.tags, "Name": args.domain_name},
            opts=child,
        )
        # One domain name gives exactly one validation option, so index 0 is that name's record
        # (creating records inside apply() over the list would hide them from preview).
        option = certificate.domain_validation_options[0]
        record = aws.route53.Record(
            f"{name}-validation-record",
            zone_id=args.zone_id,
            name=option.resource_record_name,
            type=option.resource_record_type,
            records=[option.resource_record_value],
            ttl=300,
            # ACM gives the same CNAME for a name in every region of the account: another
            # certificate for this name may already have written it.
            allow_overwrite=True,
            opts=child,
        )
        validation = aws.acm.CertificateValidation(
            f"{name}-validation",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn],
            opts=child,
        )
        self.certificate_arn = validation.certificate_arn
        self.validation_record_fqdn = record.fqdn
        self.register_outputs({"certificate_arn": self.certificate_arn, "validation_record_fqdn": self.validation_record_fqdn})
