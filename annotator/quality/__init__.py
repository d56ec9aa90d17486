"""Training, qualification and quality control pages (issue 21)."""
