"""``python -m caogao``."""

from caogao.cli.app import run

run()
