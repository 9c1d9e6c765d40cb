"""gigwatch's benchmarks (`make bench`): run from a checkout, never installed with the package."""
