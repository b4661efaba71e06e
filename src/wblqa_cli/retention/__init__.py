"""Retention of learner work and QA documents: rules, deadlines, CSV files, commands."""
