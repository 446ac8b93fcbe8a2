"""The data layer: the canonical schema, loaders, validation and the sample company."""
