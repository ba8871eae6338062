"""System metrics (S7, issue 14): a metric receives points and shows on the status page as a chart.

``series`` is the pure core (periods, buckets, downsampling, bounds), ``chart`` draws a
downsampled series as SVG geometry with its text alternative, ``services`` saves metrics,
ingests points in batches and reads series, ``jobs`` expires old points, ``public`` is what
the status page reads.
"""
