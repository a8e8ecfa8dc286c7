"""The record of editorial work: who may move an article where, revisions and their diffs,
restoring, stale-edit checks, merging entities and tagging. Imports models, lib and search.
"""
