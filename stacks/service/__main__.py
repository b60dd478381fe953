"""Entry point for `pulumi up` in this folder: runs one service's stack (project service-<name>, stack <env>)."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the folder that holds stacks/
from stacks.service.program import program

program()
