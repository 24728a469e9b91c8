"""Reading reports: any file → clean text → ``Report`` (parts, sections, units)."""
