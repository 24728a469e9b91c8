"""``python -m caogao.cli``."""

from caogao.cli.app import run

run()
