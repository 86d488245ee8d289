"""Meta-analysis (issue 4): not yet implemented."""
