"""Entry point of the layer program, for `platformctl up` (which runs a copy of stacks/) and for `pulumi up` in this folder: runs the data layer."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the folder that holds stacks/
from stacks.data.program import program

program()
