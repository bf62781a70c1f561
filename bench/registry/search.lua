-- wrk script: GET /api/v1/persons?name=<forename surname> for random names
-- from names.txt (one "forename surname" per line, URL-encoded).
local names = {}
local token = os.getenv("SHANAKHT_TOKEN")
for line in io.lines(os.getenv("SHANAKHT_NAMES") or "names.txt") do names[#names + 1] = line end
math.randomseed(os.time())

request = function()
  local n = names[math.random(#names)]
  return wrk.format("GET", "/api/v1/persons?limit=20&name=" .. n, {["Authorization"] = "Bearer " .. token})
end

done = function(summary, latency, requests)
  io.write(string.format("bench: requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f non2xx=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status))
end
