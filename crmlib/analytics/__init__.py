"""Customer analytics: value (RFM, Pareto, lifetime value), lifecycle, interactions, segments."""
