"""corpus: harvest trial records from PubMed, Europe PMC and ClinicalTrials.gov into the store."""
