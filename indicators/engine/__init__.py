"""The indicator engine: a pure package, no Django import.

Layers, as in a data pipeline: read and validate a delivery (`reading`), typed and pseudonymised
tables (`schema`), one definition per indicator with a version (`volet2`, `organisms`, `volet3`),
executed by DuckDB or Spark (`runners`).
"""
