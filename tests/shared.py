"""Where the shared test data lives: ``../shared/data`` beside the project root.

Override with ``ANNOTATOR_SHARED_DATA``. Tests and benchmarks may read it; the app never does.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("ANNOTATOR_SHARED_DATA", ROOT.parent / "shared" / "data"))
SEED_ARTICLE = SHARED_DATA / "seed-article.txt"
