-- wrk script for every bench/run.sh scenario. Each line of the pool file is "<Authorization>\t<form body>"
-- (written by bench/Seeder; an empty Authorization sends none). Arguments after wrk's "--":
--   <path> <pool file> <wrk threads> once|random
-- once:   each line is sent exactly once (refresh tokens, codes); thread t of n takes lines t, t+n, t+2n, …
--         A thread that runs out sends a request without credentials, which fails and so invalidates the run,
--         and done() reports how many: the pool was too small for the rate.
-- random: lines are picked at random and reused (client credentials, tokens to introspect).
local threads, counter = {}, 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local requests, cursor, mode, fallback = {}, 0, "once", nil
exhausted = 0

function init(args)
   local path, file, n = args[1], args[2], tonumber(args[3])
   mode = args[4]
   local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
   local i = 0
   for line in io.lines(file) do
      if mode == "random" or i % n == id then
         local auth, body = line:match("^([^\t]*)\t(.*)$")
         local h = { ["Content-Type"] = headers["Content-Type"] }
         if auth ~= "" then h["Authorization"] = auth end
         requests[#requests + 1] = wrk.format("POST", path, h, body)
      end
      i = i + 1
   end
   fallback = wrk.format("POST", path, headers, "pool=exhausted")
   math.randomseed(os.time() + id * 7919)
end

function request()
   if mode == "random" then
      return requests[math.random(#requests)]
   end
   cursor = cursor + 1
   if cursor > #requests then
      exhausted = exhausted + 1
      return fallback
   end
   return requests[cursor]
end

function done(summary, latency, _)
   local out = 0
   for _, thread in ipairs(threads) do out = out + (thread:get("exhausted") or 0) end
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests":%d,"duration_us":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,' ..
      '"timeouts":%d,"non2xx":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"exhausted":%d}\n',
      summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, out))
end
