-- wrk script of the news-day step (bench/newsday.py): readers spread over a list of pages.
--
--   wrk -t2 -c16 -d20s -s bench/newsday.lua http://127.0.0.1:PORT -- PATHS_FILE
--
-- PATHS_FILE holds one path per line (home, /latest/, sections, articles). Each thread walks the list
-- round-robin from its own starting point. done() prints one line, NEWSDAY {...}, in JSON, that
-- bench/newsday.py parses: requests, seconds, latency percentiles in microseconds, errors, and how many
-- answers the page cache marked hit or miss (X-Page-Cache).

local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  threads[#threads + 1] = thread
end

local paths = {}
local position = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  -- Threads start far apart in the list, so they do not read the same page at the same moment.
  position = math.floor((offset or 0) * #paths / 2) % #paths
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

-- The page cache says whether it rendered the page: X-Page-Cache: hit or miss (absent: not a cached page).
hits = 0
misses = 0

function response(status, headers, body)
  local cache = headers["X-Page-Cache"]
  if cache == "hit" then
    hits = hits + 1
  elseif cache == "miss" then
    misses = misses + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local hit_count, miss_count = 0, 0
  for _, thread in ipairs(threads) do
    hit_count = hit_count + thread:get("hits")
    miss_count = miss_count + thread:get("misses")
  end
  io.write(string.format(
    'NEWSDAY {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"cache_hits": %d, "cache_misses": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout, hit_count, miss_count))
end
