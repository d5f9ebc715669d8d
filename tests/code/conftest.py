"""The catalogue tests import their shared assertions from `catalogue_checks` beside this file."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
