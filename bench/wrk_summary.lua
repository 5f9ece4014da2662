-- Loaded by bench/run.py into wrk: sets the request method and, when the run ends, prints the
-- exact counts and latency percentiles (microseconds) as one JSON line for run.py to read.
wrk.method = os.getenv("BENCH_METHOD") or "GET"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_SUMMARY {"requests": %.0f, "duration_us": %.0f, "p50_us": %.1f, "p90_us": %.1f, '
      .. '"p99_us": %.1f, "max_us": %.1f, "mean_us": %.1f, "errors": {"connect": %.0f, '
      .. '"read": %.0f, "write": %.0f, "status": %.0f, "timeout": %.0f}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
