"""From notebook to report: papermill executes, nbconvert exports, files land atomically."""
