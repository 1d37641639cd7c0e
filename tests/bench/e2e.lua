-- wrk script for e2e.sh: sends the request paths listed in the file named by $E2E_PATHS
-- (one a line) in turn, and prints one machine-readable summary line when done.
local paths = {}
local list = os.getenv("E2E_PATHS")
if list and list ~= "" then
  for line in io.lines(list) do
    if line ~= "" then paths[#paths + 1] = line end
  end
end

local prepared = {}
local next_index = 0

function init(args)
  for i, path in ipairs(paths) do prepared[i] = wrk.format("GET", path) end
  -- Threads start at different places in the list.
  next_index = math.random(math.max(#prepared, 1)) - 1
end

function request()
  if #prepared == 0 then return wrk.format("GET") end
  next_index = next_index % #prepared + 1
  return prepared[next_index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "E2E_RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d http_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
