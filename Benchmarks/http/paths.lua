-- wrk script: each connection walks the request paths in PATHS (one per line), starting at a
-- different offset, so the server answers thousands of different duty questions.
--
-- The requests are formatted once, in init, and there is no response() function: wrk then
-- skips collecting each answer's headers and body for Lua, which cost the load generator
-- (sharing the two cores with the server) more than the requests themselves. Answers other
-- than 2xx/3xx are still counted by wrk ("Non-2xx or 3xx responses"), which the run script
-- reports; warm.py has checked beforehand that every question is answered 200.
local requests = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 997)
end

function init(args)
  for line in io.lines(os.getenv("PATHS")) do
    if #line > 0 then requests[#requests + 1] = wrk.format("GET", line) end
  end
  index = offset or 0
end

function request()
  index = index + 1
  return requests[(index % #requests) + 1]
end
