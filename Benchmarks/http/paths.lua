-- wrk script: each connection walks the request paths in PATHS (one per line), starting at a
-- different offset, so the server answers thousands of different duty questions.
local paths = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 997)
end

function init(args)
  for line in io.lines(os.getenv("PATHS")) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  index = offset or 0
end

function request()
  index = index + 1
  return wrk.format("GET", paths[(index % #paths) + 1])
end

function response(status, headers, body)
  if status ~= 200 then
    errors = (errors or 0) + 1
    if errors <= 3 then io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\n") end
  end
end
