"""Text detectors behind the safety rules: pure functions over text, no lint machinery."""
