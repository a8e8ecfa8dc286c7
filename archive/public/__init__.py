"""What readers see: pages, feeds, sitemaps, structured data, coverage, related articles and
timelines. Imports models, lib, cache (to declare what a page shows), search and editorial's rules.
"""
