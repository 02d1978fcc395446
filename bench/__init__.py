"""The benchmarks; run them from the checkout's root as modules: python3 -m bench.bench_suite."""
