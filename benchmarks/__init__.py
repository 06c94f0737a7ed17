"""Benchmarks of the engine: ``python -m benchmarks`` prints particle-steps per second."""
