"""Optimizer explorer: the entry point and landing page (``streamlit run app.py``).

Every page, this one included, is a thin file that draws itself through ``ui``; Streamlit finds the
other pages in ``pages/`` (so a link straight to any of them works on a cold server).
"""

from ui.playground import render

render()
