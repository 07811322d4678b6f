# local: (filled in by its owner)
