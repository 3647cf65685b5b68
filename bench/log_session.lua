-- wrk script: each request logs a new supervision session (a distinct start time per request).
-- Needs env: BENCH_COOKIE, BENCH_CSRF, BENCH_RELATIONSHIP; BENCH_OFFSET (a distinct start per run).
-- A logged session answers 302 (to the session's page). Anything else, such as the form again
-- with an error (200, which wrk counts as a success), is counted and printed as
-- "Unexpected answers: N" for bench/run.py to report.
local threads = {}
local counter = 0
local unexpected = 0
id = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  unexpected = 0
  offset = tonumber(os.getenv("BENCH_OFFSET")) or 0
end

request = function()
  counter = counter + 1
  local key = offset + counter * 4 + id
  local day = math.floor(key / 1380) + 3
  local minute = key % 1380
  local held_on = os.date("!%Y-%m-%d", os.time() - day * 86400)
  local start = string.format("%02d:%02d", math.floor(minute / 60), minute % 60)
  local body = "relationship=" .. os.getenv("BENCH_RELATIONSHIP")
    .. "&held_on=" .. held_on .. "&start_time=" .. start
    .. "&duration_minutes=60&format=one_to_one&focus=Bench+session&names_checked=on"
  return wrk.format("POST", nil, {
    ["Cookie"] = os.getenv("BENCH_COOKIE"),
    ["X-CSRFToken"] = os.getenv("BENCH_CSRF"),
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

response = function(status, headers, body)
  if status ~= 302 then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get("unexpected") or 0)
  end
  io.write(string.format("Unexpected answers: %d\n", total))
end
