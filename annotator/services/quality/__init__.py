"""Annotator training, qualification and quality control (issue 21): training and control
articles, attempts and scores against gold, control accuracy with flags, reliability models."""
