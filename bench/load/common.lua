-- Shared by every kind's wrk script (bench/load/<kind>.lua): reading the data files that
-- bench/load/run writes, pacing, checking answers and reporting. Each kind's script sets
-- `load.request` (and `load.check` when a 2xx alone does not prove the answer right), then
-- calls `load.install()`, which defines wrk's global hooks.
--
-- Environment (set by bench/load/run for each wrk process):
--   LOAD_DATA         folder of data files, one value a line (ids, tokens, titles, ...)
--   LOAD_RATE         requests per second this whole wrk process should offer; 0 or unset
--                     means closed loop (each connection sends its next request at once)
--   LOAD_CONNECTIONS  the -c given to wrk, to spread LOAD_RATE over the connections
--   LOAD_KIND         the name printed in the result line
--   LOAD_NOCHECK      set: do not read answers in Lua (the closed-loop throughput runs, where
--                     copying every body into Lua would be the client's cost, not the
--                     server's); wrk's own count of non-2xx/3xx answers still applies
local load = {}

local data_dir = os.getenv("LOAD_DATA") or "."
local rate = tonumber(os.getenv("LOAD_RATE") or "0") or 0
local connections = tonumber(os.getenv("LOAD_CONNECTIONS") or "1") or 1
local kind = os.getenv("LOAD_KIND") or "load"

-- Every line of a data file, as a list. Read in each wrk thread's own Lua state (wrk runs
-- the script once per thread), so nothing is shared between threads.
function load.lines(name)
  local values = {}
  local file = io.open(data_dir .. "/" .. name, "r")
  if not file then
    error("bench/load: missing data file " .. data_dir .. "/" .. name)
  end
  for line in file:lines() do
    if line ~= "" then
      values[#values + 1] = line
    end
  end
  file:close()
  if #values == 0 then
    error("bench/load: empty data file " .. name)
  end
  return values
end

function load.pick(list)
  return list[math.random(#list)]
end

-- Percent-encodes a query value byte by byte (UTF-8 stays valid: every byte of a multi-byte
-- character is encoded).
function load.escape(text)
  return (text:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

-- The first `n` bytes of `text`, moved forward to the end of a UTF-8 character, so that a
-- prefix of "Coração" never ends inside the "ç" (an invalid query the server would refuse).
function load.prefix(text, n)
  while n < #text do
    local next_byte = string.byte(text, n + 1)
    if next_byte < 0x80 or next_byte >= 0xC0 then
      break
    end
    n = n + 1
  end
  return string.sub(text, 1, n)
end

-- Which wrk threads exist, so that done() (run in the main Lua state) can add up what each
-- thread counted.
local threads = {}

-- Whether an answer is right: any 2xx by default; a kind's script narrows it (a stream
-- must be 206, a Subsonic answer must not carry "status":"failed", which Subsonic sends
-- with HTTP 200).
function load.check(status, headers, body)
  return status >= 200 and status < 300
end

function load.install()
  function setup(thread)
    thread:set("thread_id", #threads + 1)
    threads[#threads + 1] = thread
  end

  function init(args)
    -- LuaJIT's generator starts from the same seed in every state: give each wrk thread
    -- (and each wrk process, by the clock) its own sequence.
    math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919 + #kind)
    bad = 0
    first_bad = ""
    if load.init then
      load.init()
    end
  end

  function request()
    return load.request()
  end

  -- Paced, open-ish loop. wrk has no rate option; it calls delay() before each request of a
  -- connection and waits that many milliseconds. Each connection aims at rate/connections
  -- requests a second, with the wait drawn uniformly from 0.5 to 1.5 times the mean so that
  -- connections do not march in step. The wait starts when the previous answer arrived, so
  -- a slow server slows its clients a little (the interval is wait + latency): achieved
  -- rates fall short of offered ones as latency grows, and latencies are those of a client
  -- that does not pile up requests (not a true open loop). bench/load/run gives each
  -- connection at most a few requests a second, so that the wait dominates the interval.
  if rate > 0 then
    local mean_ms = connections / rate * 1000
    function delay()
      return math.floor(mean_ms * (0.5 + math.random()))
    end
  end

  if not os.getenv("LOAD_NOCHECK") then
    function response(status, headers, body)
      if not load.check(status, headers, body) then
        bad = bad + 1
        if first_bad == "" then
          first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 160):gsub("%s+", " ")
        end
      end
    end
  end

  -- One line for bench/load/run to parse: counts, wrk's socket errors and its latency
  -- percentiles (microseconds).
  function done(summary, latency, requests)
    local total_bad = 0
    local sample = ""
    for _, thread in ipairs(threads) do
      total_bad = total_bad + (thread:get("bad") or 0)
      local first = thread:get("first_bad")
      if sample == "" and first and first ~= "" then
        sample = first
      end
    end
    local e = summary.errors
    io.write(string.format(
      "LOADRESULT kind=%s requests=%d duration_us=%d bytes=%d bad=%d connect=%d read=%d write=%d status=%d timeout=%d p50=%d p95=%d p99=%d max=%d\n",
      kind, summary.requests, summary.duration, summary.bytes, total_bad,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
    if sample ~= "" then
      io.write("LOADSAMPLE kind=" .. kind .. " " .. sample .. "\n")
    end
  end
end

return load
