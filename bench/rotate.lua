-- wrk script for bench/api.py: each connection thread walks the request
-- paths listed in the file named by PATHS_FILE (one per line) from its own
-- starting point, and the summary is printed as one JSON line.
local paths = {}
local counter = 0
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(os.getenv("PATHS_FILE")) do
    paths[#paths + 1] = line
  end
  -- Threads start evenly spread over the list, so they do not send the
  -- same request at the same moment.
  counter = math.floor(id * #paths / tonumber(os.getenv("WRK_THREADS") or "1"))
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "errors": %d, "non_2xx": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "duration_us": %d}\n',
    summary.requests, e.connect + e.read + e.write + e.timeout + e.status,
    e.status, latency:percentile(50), latency:percentile(99), summary.duration))
end
