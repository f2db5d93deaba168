#!/usr/bin/env python3
"""Aggregate PostgreSQL log_statement_stats blocks by statement text: CPU s (user+system) and count."""
import re, sys, collections
log = open(sys.argv[1], errors='replace').read().split('\n')
start = sys.argv[2] if len(sys.argv) > 2 else ''
tot = collections.defaultdict(float); cnt = collections.Counter()
cpu = None
for line in log:
    if start and line[:23] < start and line[:2] == '20':
        continue
    m = re.search(r'!\s+([\d.]+) s user, ([\d.]+) s system, ([\d.]+) s elapsed', line)
    if m:
        cpu = float(m.group(1)) + float(m.group(2)); continue
    m = re.search(r'STATEMENT:\s+(.*)', line)
    if m and cpu is not None:
        key = re.sub(r'ect_mb_\w+', 'T', m.group(1))[:90]
        tot[key] += cpu; cnt[key] += 1; cpu = None
all_ = sum(tot.values())
for k, v in sorted(tot.items(), key=lambda x: -x[1])[:15]:
    print(f"{v:8.3f} s {100*v/all_:5.1f}% n={cnt[k]:7d} {1e6*v/cnt[k]:7.1f} us/each  {k}")
print(f"total {all_:.3f} s")
