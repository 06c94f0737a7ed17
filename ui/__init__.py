"""Streamlit-only helpers: the page frame, controls generated from specs, URL state and caches."""
