"""The mathematics behind the lesson pages (pure NumPy, no Streamlit): what theory predicts, and how
to measure it on the engine's runs."""
