"""Moving data in and out: article files, article import, other tools' annotations, exports."""
