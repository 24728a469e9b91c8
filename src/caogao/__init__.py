"""caogao（草稿）：乡镇（街道）政府工作报告起草助手。

The pipeline, one subpackage per stage (docs/ARCHITECTURE.md):
corpus (files → reports) → text (words, tags, names) → mining (phrases) → bank (SQLite)
drafting (facts + bank + templates → outline) → docx (.docx) → checking (edited draft).
cli is the thin door to all of them.
"""

__version__ = "0.1.0"
