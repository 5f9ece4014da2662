-- Loaded by bench/book.py into wrk: every request is a new public booking request by a new
-- person (unique phone and email), spread over the days from BENCH_FIRST_DAY_EPOCH on, at most
-- BENCH_PER_DAY a day; each run (BENCH_RUN: warm-up 0, measured 1) has its own 300 days (below the chef teams' capacity, so no request is refused for capacity).
-- Prints the same summary line as wrk_summary.lua.
local first_day = tonumber(os.getenv("BENCH_FIRST_DAY_EPOCH"))
local per_day = tonumber(os.getenv("BENCH_PER_DAY") or "40")
local run = tonumber(os.getenv("BENCH_RUN") or "0")
-- Runs against the same file (bench/book.py's PostgreSQL mode, repeated tries) start further on.
local offset = tonumber(os.getenv("BENCH_DAY_OFFSET") or "0")
local tenant = os.getenv("BENCH_TENANT")
local counter = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Tenant-ID"] = tenant

request = function()
  counter = counter + 1
  local n = run * 1000000 + offset * 20000 + counter
  local day_index = offset + run * 300 + math.floor(counter / per_day)
  local day = os.date("!%Y-%m-%d", first_day + day_index * 86400)
  local body = string.format(
    '{"name": "Bench Guest %d", "phone": "+1916%07d", "email": "guest%d@bench.example", '
      .. '"event_date": "%s", "event_time": "18:00", "guest_count": 12, '
      .. '"event_type": "birthday", "location": "Folsom, CA 95630", '
      .. '"message": "Backyard party", "source": "booking_form", "honeypot": ""}',
    n, 2000000 + n, n, day)
  return wrk.format(nil, nil, nil, body)
end

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
