"""Tools the site never imports: the demo archive generator, benchmarks, the load test and
the concurrency measurement. Only management commands import them.
"""
