"""Demo data: sample relics, producers, products, batches and users, loaded by ``qrsvc demo``.

All of it was written for this project (the photos are drawn by :mod:`qrsvc.demo.photos`,
Lam Kinh's narration was synthesized offline, see :mod:`qrsvc.demo.narration`) and is
marked as sample content; the weeks of scans the dashboard shows are made up by
:mod:`qrsvc.demo.scans`. :func:`load_demo` is idempotent.
"""

from qrsvc.demo.loader import load_demo
from qrsvc.demo.result import DemoLogin, DemoResult

__all__ = ["DemoLogin", "DemoResult", "load_demo"]
