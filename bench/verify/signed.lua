-- signed.lua — wrk script replaying pre-signed relying-party requests.
-- Usage: wrk -t2 -c32 -d10s --latency -s signed.lua URL -- FILE NTHREADS
-- FILE lines (from bench_verify): METHOD\tPATH\tKEY\tTS\tNONCE\tSIG\tBODY.
-- Each line is used once (single-use nonces and passcodes); threads take
-- disjoint slices.
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  local nthreads = tonumber(args[2])
  reqs = {}
  local i = 0
  for line in io.lines(args[1]) do
    if (i % nthreads) == (id - 1) then
      local m, p, k, ts, nonce, sig, body =
        line:match("^(%S+)\t(%S+)\t(%S+)\t(%S+)\t(%S+)\t(%S+)\t(.*)$")
      reqs[#reqs + 1] = wrk.format(m, p, {
        ["X-Party-Key"] = k, ["X-Timestamp"] = ts, ["X-Nonce"] = nonce,
        ["X-Signature"] = sig, ["Content-Type"] = "application/json" }, body)
    end
    i = i + 1
  end
  n = 0
end

function request()
  n = n + 1
  if n > #reqs then n = 1 end -- past the end: replays, answered 401 (counted as non-2xx)
  return reqs[n]
end
