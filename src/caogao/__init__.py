"""caogao（草稿）：乡镇（街道）政府工作报告起草助手。

Pipeline, one module per stage:
corpus files → ingest (clean text) → structure (reports) → bank (phrases, SQLite)
facts (YAML) + bank + templates → compose (outline) → render (.docx) → check.
"""

__version__ = "0.1.0"
