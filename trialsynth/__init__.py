"""trialsynth: living systematic reviews, from harvested trial records to pooled effects.

This package holds the CLI, the review workflow and the report; it is the only place that
knows all three stages (corpus, extract, analysis). Importing it stays light: the heavy stage
modules are imported by the commands that need them.
"""
__version__ = "0.1.0"
