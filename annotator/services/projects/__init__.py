"""Projects and their set-up: presets, label schema and its cache, guidelines, members and access,
assignments and progress."""
