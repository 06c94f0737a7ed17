"""Race: every optimizer tuned the same way, then raced from one start."""

from ui.race import render

render()
