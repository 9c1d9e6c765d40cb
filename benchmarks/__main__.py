"""`python -m benchmarks [--quick] [--no-dashboard] [--json]`: every figure, printed as JSON."""

from benchmarks.bench import main

if __name__ == "__main__":
    main()
