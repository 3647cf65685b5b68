-- wrk script: each request logs a new supervision session (a distinct start time per request).
-- Needs env: BENCH_COOKIE, BENCH_CSRF, BENCH_RELATIONSHIP; BENCH_OFFSET (a distinct start per run).
local threads = {}
local counter = 0
id = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
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
