"""Run one command as the only child of this process: print wall time, peak RSS, CPU time."""

import resource
import subprocess
import sys
import time

start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak_kib = usage.ru_maxrss
if done.returncode not in (0, 1):
    sys.stderr.write(done.stderr.decode("utf-8", "replace"))
    sys.exit(done.returncode)
print(f"{elapsed:.6f} {peak_kib} {usage.ru_utime + usage.ru_stime:.6f}")
