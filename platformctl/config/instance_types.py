"""EC2 instance families and sizes that exist, to catch a typo such as `x99.mega` before `up` does.

Source: the AWS "Amazon EC2 instance types" specifications (docs.aws.amazon.com/ec2/latest/instancetypes/,
general purpose, compute, memory and storage optimised, accelerated computing), current and previous
generation, as of late 2025. A family and a size are checked separately: not every size exists in every
family, and EKS reports the rest. Add a family here when AWS launches one.
"""

from __future__ import annotations

import re

_FAMILIES_TEXT = """
a1 t2 t3 t3a t4g
m4 m5 m5a m5ad m5d m5dn m5n m5zn m6a m6g m6gd m6i m6id m6idn m6in m7a m7g m7gd m7i m7i-flex m8a m8g m8gd m8i m8i-flex mac1 mac2
c4 c5 c5a c5ad c5d c5n c6a c6g c6gd c6gn c6i c6id c6in c7a c7g c7gd c7gn c7i c7i-flex c8g c8gd c8gn c8i
r4 r5 r5a r5ad r5b r5d r5dn r5n r6a r6g r6gd r6i r6id r6idn r6in r7a r7g r7gd r7i r7iz r8a r8g r8gd r8i r8i-flex
x1 x1e x2gd x2idn x2iedn x2iezn x8g z1d u-3tb1 u-6tb1 u-9tb1 u-12tb1 u-18tb1 u-24tb1 u7i-6tb u7i-8tb u7i-12tb u7in-16tb
d2 d3 d3en h1 i2 i3 i3en i4g i4i i7i i7ie i8g im4gn is4gen
p2 p3 p3dn p4d p4de p5 p5e p5en p6-b200 g3 g4ad g4dn g5 g5g g6 g6e g6f gr6 dl1 dl2q inf1 inf2 trn1 trn1n trn2 f1 f2 vt1 hpc6a hpc6id hpc7a hpc7g
"""
_SIZES_TEXT = """
nano micro small medium large xlarge 2xlarge 3xlarge 4xlarge 6xlarge 8xlarge 9xlarge 10xlarge 12xlarge 16xlarge
18xlarge 24xlarge 32xlarge 48xlarge 56xlarge 64xlarge 96xlarge 112xlarge 224xlarge 448xlarge 480xlarge
metal metal-16xl metal-24xl metal-32xl metal-48xl
"""
EC2_FAMILIES = frozenset(_FAMILIES_TEXT.split())
EC2_SIZES = frozenset(_SIZES_TEXT.split())
_SHAPE = re.compile(r"^(?P<family>[a-z0-9-]+)\.(?P<size>[a-z0-9-]+)$")


def instance_type_problem(name: str) -> str | None:
    """Why `name` is not an EC2 instance type, or None when it is one."""
    match = _SHAPE.match(name)
    if match is None:
        return f"'{name}' is not an EC2 instance type (family.size, for example m6i.large)"
    family, size = match["family"], match["size"]
    if family not in EC2_FAMILIES:
        return f"'{name}': there is no EC2 instance family '{family}' (for example m6i, m7g, c7i, r6g, t3)"
    if size not in EC2_SIZES:
        return f"'{name}': there is no EC2 instance size '{size}' (for example large, xlarge, 2xlarge)"
    return None
