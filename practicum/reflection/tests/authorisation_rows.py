"""GET status per persona for this app's views (merged by the authorisation-matrix test)."""

ROWS: dict = {}
