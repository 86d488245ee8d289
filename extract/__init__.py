"""extract: from trial records to an evidence table (issue 3, in progress).

Built so far, each a pure step tested on its own:
- `extract.quantities`: doses (cells, cells/kg, cells/joint; lost superscripts, million/kg,
  concentration x volume), timepoints in weeks, p-values, mean (SD) / median (IQR), percentages,
  number words, with character offsets into the original text;
- `extract.jats` and `extract.tables`: JATS full texts with section offsets, and results tables
  expanded into grids whose statistic cells carry measure, arm, timepoint, n and provenance.
Not yet: the spaCy pipeline (screening, sample size, arms, cell source, route, outcomes), the
`trialsynth extract` and `trialsynth table` commands, and scoring on the dev gold set.
"""
