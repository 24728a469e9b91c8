"""The ``caogao`` command: thin commands over the library."""
