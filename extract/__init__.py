"""Evidence extraction (issue 3): not yet implemented."""
