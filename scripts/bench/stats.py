#!/usr/bin/env python3
"""median min max n of the numbers given as arguments (NA ignored); prints 'NA NA NA 0' if none."""
import statistics
import sys

vals = [float(v) for v in sys.argv[1:] if v not in ("NA", "")]
if not vals:
    print("NA NA NA 0")
else:
    print("%.4f %.4f %.4f %d" % (statistics.median(vals), min(vals), max(vals), len(vals)))
