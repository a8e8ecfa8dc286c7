"""What readers see: pages, feeds, sitemaps, related coverage, and that nothing unpublished or hostile gets through."""
