"""`python -m benchmarks [--quick] [--no-dashboard]`: every figure, printed as JSON."""

from benchmarks.bench import main

if __name__ == "__main__":
    main()
