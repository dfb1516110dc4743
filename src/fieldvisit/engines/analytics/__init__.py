"""Pure statistics for the analytics dashboards: proportions and their intervals, matched
comparisons, roll rates, cure rates, vintages, expected loss, word counts and SVG charts.
See README.md beside this file."""
