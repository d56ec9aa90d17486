"""Analysis of a project's annotations: agreement reports and baseline model training."""
