"""Helpers that know nothing of the archive's models: text folding and slugs, index probes,
pagination. Imports Django only.
"""
