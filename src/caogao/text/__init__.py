"""Chinese text tools: word segmentation, part-of-speech tags, proper names."""
