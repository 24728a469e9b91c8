"""Writing a draft's outline as a GB/T 9704 .docx (python-docx)."""
