-- POSTs the claim form as multipart, each request with its own idempotency key.
-- Set by the bench through environment variables: CSRF token, item key, and an optional photo path.
local csrf = os.getenv("PREMIA_CSRF")
local item = os.getenv("PREMIA_ITEM")
local sold_on = os.getenv("PREMIA_SOLD_ON")
local photo_path = os.getenv("PREMIA_PHOTO")
local run_id = os.getenv("PREMIA_RUN") or "0"  -- every wrk run must make new keys, or it replays the last one
local photo = nil
if photo_path and photo_path ~= "" then
  local f = assert(io.open(photo_path, "rb"))
  photo = f:read("*a")
  f:close()
end
local boundary = "----premiabench7d1f"
local counter = 0
local thread_id = 0

setup = function(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

local function part(name, value)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name .. "\"\r\n\r\n" .. value .. "\r\n"
end

request = function()
  counter = counter + 1
  local key = string.format("b%s-%02d-%012d", run_id, tid or 0, counter)
  local body = part("_csrf_token", csrf) .. part("idempotency_key", key) .. part("item", item)
    .. part("quantity", "1") .. part("serials", "") .. part("sold_on", sold_on) .. part("amount", "45 990,00")
  if photo then
    body = body .. "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"p.jpg\"\r\n"
      .. "Content-Type: image/jpeg\r\n\r\n" .. photo .. "\r\n"
  end
  body = body .. "--" .. boundary .. "--\r\n"
  -- wrk.format replaces wrk.headers (the -H options, our cookies) when given a table: copy them in.
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
  return wrk.format("POST", "/claims/new", headers, body)
end
