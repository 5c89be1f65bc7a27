-- wrk script for bench/harness.py: counts responses by status in every thread and prints
-- one JSON line at the end. Given a file (wrk ... -- body.txt), every request is a POST of
-- that body with {n} replaced by a number unique in the run, sent from a client address
-- of its own (X-Real-IP, as the proxy sets it), so each is a new applicant.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  sent = 0
  if args[1] then
    local file = assert(io.open(args[1], "r"))
    template = file:read("*a")
    file:close()
  end
end

function request()
  if not template then
    return wrk.request()
  end
  sent = sent + 1
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  headers["X-Real-IP"] = string.format("10.%d.%d.%d", id % 256, math.floor(sent / 256) % 256,
                                       sent % 256)
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  local body = template:gsub("{n}", string.format("%d-%d", id, sent))
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, ' ..
    '"max_ms": %.2f, "statuses": {%s}, "socket_errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    table.concat(parts, ", "), e.connect, e.read, e.write, e.timeout))
end
