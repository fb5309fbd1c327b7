# Placeholder: filled in by the reporting owner.
