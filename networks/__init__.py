"""A small network library (pure NumPy): activations, initializations, the depth experiment, and
fully connected networks as loss landscapes for the engine."""
