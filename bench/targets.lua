-- wrk script: each request is one distinct write, read from a targets file that bench/writes.py
-- made (a line a request: path, form body and session cookie, tab-separated).
-- Needs env: BENCH_TARGETS (the file), BENCH_FIRST and BENCH_LAST (this run's slice of lines,
-- 1-based, inclusive: every run has lines of its own), BENCH_THREADS (wrk's -t: thread t takes
-- lines first + t, first + t + threads, ...), BENCH_CSRF, BENCH_EXPECT_STATUS and
-- BENCH_EXPECT_TEXT (a success: that status, and the text in the body or the Location header).
-- Any other 2xx or 3xx (a form error answers 200 too, which wrk counts as a success) is counted
-- and printed as "Unexpected answers: N" for bench/run.py to add to wrk's own non-2xx/3xx count.
-- A request past the slice is sent where it answers 404 (so counted by wrk) rather than repeat
-- or take another run's write, and the number of them is printed.
local threads = {}
id = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  unexpected = 0
  exhausted = 0
  first = tonumber(os.getenv("BENCH_FIRST"))
  last = tonumber(os.getenv("BENCH_LAST"))
  step = tonumber(os.getenv("BENCH_THREADS"))
  csrf = os.getenv("BENCH_CSRF")
  expect_status = tonumber(os.getenv("BENCH_EXPECT_STATUS"))
  expect_text = os.getenv("BENCH_EXPECT_TEXT") or ""
  -- Only this thread's lines of this run's slice are kept.
  targets = {}
  local n = 0
  for line in io.lines(os.getenv("BENCH_TARGETS")) do
    n = n + 1
    if n > last then
      break
    end
    if n >= first and (n - first) % step == id then
      local path, body, session = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)$")
      table.insert(targets, { path, body, session })
    end
  end
end

request = function()
  counter = counter + 1
  local target = targets[counter]
  if target == nil then
    exhausted = exhausted + 1
    return wrk.format("GET", "/bench-targets-exhausted/")
  end
  return wrk.format("POST", target[1], {
    ["Cookie"] = "sessionid=" .. target[3] .. "; csrftoken=" .. csrf,
    ["X-CSRFToken"] = csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, target[2])
end

response = function(status, headers, body)
  if status >= 400 then
    return -- wrk counts these itself ("Non-2xx or 3xx responses")
  end
  if status ~= expect_status then
    unexpected = unexpected + 1
  elseif expect_text ~= "" then
    local where = (headers["Location"] or headers["location"] or "") .. (body or "")
    if not string.find(where, expect_text, 1, true) then
      unexpected = unexpected + 1
    end
  end
end

function done(summary, latency, requests)
  local total, past = 0, 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get("unexpected") or 0)
    past = past + (thread:get("exhausted") or 0)
  end
  io.write(string.format("Unexpected answers: %d\n", total))
  if past > 0 then
    io.write(string.format("Past the run's targets: %d (raise BENCH_WRITE_RATE)\n", past))
  end
end
