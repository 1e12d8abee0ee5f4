"""One run over many files: configuration, discovery, cache, workers, the pipeline."""
