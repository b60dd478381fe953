#!/usr/bin/env python3
"""Rewrite service-skeleton's rendered files (README.md, pyproject.toml, service.yaml, ...) from
templates/service/. Edit the templates, then run this; tests/scaffold checks the two agree."""

from platformctl.paths import skeleton_dir
from platformctl.scaffold.generate import skeleton_own_files
from platformctl.scaffold.skeleton import load_skeleton

for path, text in skeleton_own_files(load_skeleton()).items():
    target = skeleton_dir() / path
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
        print(f"rewrote service-skeleton/{path}")
