"""The ``caogao serve`` web app: a second thin door, beside the CLI, to the same library."""
