"""`python -m benchmarks [--quick] [--no-dashboard] [--json] [--scale F] [--data-dir DIR]`: every figure, printed as JSON."""

from benchmarks.bench import main

if __name__ == "__main__":
    main()
