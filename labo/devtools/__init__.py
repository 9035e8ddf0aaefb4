"""Development tools: the demo lab, the five-year volume, benchmarks and the load test.

Runtime code never imports them (an import-linter contract says so)."""
