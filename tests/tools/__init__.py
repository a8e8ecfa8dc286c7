"""The tools beside the site: demo archives, benchmarks, the load test and the concurrency measure."""
