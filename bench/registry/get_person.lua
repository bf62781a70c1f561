-- wrk script: GET /api/v1/persons/{id} for random ids from ids.txt, with a
-- bearer token from the environment (SHANAKHT_TOKEN). Prints p50/p99.
local ids = {}
local token = os.getenv("SHANAKHT_TOKEN")
local ids_file = os.getenv("SHANAKHT_IDS") or "ids.txt"
for line in io.lines(ids_file) do ids[#ids + 1] = line end
math.randomseed(os.time())

request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/api/v1/persons/" .. id, {["Authorization"] = "Bearer " .. token})
end

done = function(summary, latency, requests)
  io.write(string.format("bench: requests=%d errors=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f non2xx=%d\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status))
end
