"""``python -m annotator``: the ``annotator`` command without the console script."""

from annotator.cli import main

if __name__ == "__main__":
    main()
