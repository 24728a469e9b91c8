"""The phrase bank: one SQLite file, how it is built (and cached), queried and exported."""
