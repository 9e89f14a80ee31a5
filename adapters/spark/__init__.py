"""The spend engine's allocation on Apache Spark (`FINOPS_SPEND_ENGINE=spark`): see docs/spark.md.

pyspark is an optional dependency (`pip install '.[spark]'`) and needs a Java runtime; nothing
outside this package imports it.
"""
