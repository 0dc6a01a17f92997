"""Reports: Excel-ready tables (one writer, formula-injection safe), plotly figures and the HTML scenario
report. Reads planning and engine results; never computes a figure of its own."""
