"""The controls of SOC 2, HIPAA 164.312 and GDPR article 32, each mapped to the platform controls that serve it."""

from __future__ import annotations

from dataclasses import dataclass

from platformctl.policies.model import Control


@dataclass(frozen=True)
class FrameworkControl:
    framework: str
    id: str
    name: str
    controls: tuple[Control, ...]


C = Control
FRAMEWORK_CONTROLS: tuple[FrameworkControl, ...] = (
    FrameworkControl("SOC 2", "CC6.1", "Logical access security and protection of information assets", (C.LEAST_PRIVILEGE, C.ENCRYPTION_AT_REST)),
    FrameworkControl("SOC 2", "CC6.6", "Protection against threats from outside the system boundary", (C.NETWORK_ISOLATION,)),
    FrameworkControl("SOC 2", "CC6.7", "Restricted and protected transmission of information", (C.ENCRYPTION_IN_TRANSIT,)),
    FrameworkControl("SOC 2", "CC7.2", "Monitoring of system components for anomalies", (C.LOGGING_AND_AUDIT,)),
    FrameworkControl("SOC 2", "A1.2", "Backup, recovery infrastructure and environmental protections", (C.BACKUPS, C.AVAILABILITY)),
    FrameworkControl("SOC 2", "A1.3", "Recovery plan supporting system recovery", (C.DISASTER_RECOVERY,)),
    FrameworkControl("HIPAA", "164.312(a)(1)", "Access control", (C.LEAST_PRIVILEGE, C.NETWORK_ISOLATION)),
    FrameworkControl("HIPAA", "164.312(a)(2)(iv)", "Encryption and decryption of ePHI", (C.ENCRYPTION_AT_REST,)),
    FrameworkControl("HIPAA", "164.312(b)", "Audit controls", (C.LOGGING_AND_AUDIT,)),
    FrameworkControl("HIPAA", "164.312(c)(1)", "Integrity: ePHI not improperly altered or destroyed", (C.BACKUPS,)),
    FrameworkControl("HIPAA", "164.312(d)", "Person or entity authentication", (C.LEAST_PRIVILEGE,)),
    FrameworkControl("HIPAA", "164.312(e)(1)", "Transmission security", (C.ENCRYPTION_IN_TRANSIT,)),
    FrameworkControl("GDPR", "Art. 32(1)(a)", "Encryption of personal data", (C.ENCRYPTION_AT_REST, C.ENCRYPTION_IN_TRANSIT)),
    FrameworkControl("GDPR", "Art. 32(1)(b)", "Ongoing confidentiality, integrity, availability and resilience",
                     (C.NETWORK_ISOLATION, C.LEAST_PRIVILEGE, C.AVAILABILITY, C.DATA_RESIDENCY)),
    FrameworkControl("GDPR", "Art. 32(1)(c)", "Restoring availability and access in a timely manner after an incident", (C.BACKUPS, C.DISASTER_RECOVERY)),
    FrameworkControl("GDPR", "Art. 32(1)(d)", "Regularly testing and evaluating the effectiveness of the measures", (C.LOGGING_AND_AUDIT,)),
)
