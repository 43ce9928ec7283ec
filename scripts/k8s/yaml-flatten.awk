# yaml-flatten.awk: flatten the block-style subset of YAML that Kubernetes
# manifests use into one line per node:
#   PATH <TAB> KIND <TAB> VALUE
# PATH is dotted: spec.jobTemplate.spec.template.spec.containers[0].name; a
# key with characters other than [A-Za-z0-9_-] is written quoted:
# metadata.labels."app.kubernetes.io/name". KIND is map, list, null, plain
# (an unquoted scalar) or quoted (a '...' or "..." scalar); VALUE is the
# scalar's text (unquoted, escapes of "..." resolved, then backslash, newline
# and TAB written as \\, \n and \t so that every node is one line).
#
# Supported: block mappings and sequences (a sequence may sit at its key's
# indentation), plain/single/double-quoted scalars, comments, [] and {},
# one leading "---". Anything else (flow collections, block scalars | >,
# anchors, aliases, tags, tabs in indentation, duplicate keys, several
# documents) is reported as an error: "FILE:LINE: message" on stderr, exit 1.
# Needs only a POSIX awk (mawk is fine).

function fail(msg) {
  printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
  failed = 1
  exit 1
}

function seg(key) {
  if (key ~ /^[A-Za-z0-9_-]+$/) return key
  gsub(/"/, "\\\"", key)
  return "\"" key "\""
}

function emit(path, kind, value) {
  if (path in seen) fail("duplicate key: " path)
  seen[path] = 1
  gsub(/\\/, "\\\\\\\\", value); gsub(/\n/, "\\\\n", value); gsub(/\t/, "\\\\t", value)
  printf "%s\t%s\t%s\n", path, kind, value
}

function push(ind, path, kind) {
  depth++
  s_ind[depth] = ind; s_path[depth] = path; s_kind[depth] = kind; s_count[depth] = 0
  emit(path, kind, "")
}

# Parses a scalar (the text after "key: " or "- "); sets SCALAR_KIND and
# returns the value.
function scalar(text,    q, i, c, out, rest) {
  sub(/[ ]+$/, "", text)
  q = substr(text, 1, 1)
  if (q == "'" || q == "\"") {
    out = ""
    for (i = 2; i <= length(text); i++) {
      c = substr(text, i, 1)
      if (q == "'" && c == "'") {
        if (substr(text, i + 1, 1) == "'") { out = out "'"; i++; continue }
        break
      }
      if (q == "\"" && c == "\\") {
        i++; c = substr(text, i, 1)
        if (c == "n") c = "\n"; else if (c == "t") c = "\t"
        out = out c; continue
      }
      if (q == "\"" && c == "\"") break
      out = out c
    }
    if (i > length(text)) fail("unterminated quoted string")
    rest = substr(text, i + 1)
    if (rest !~ /^[ ]*(#.*)?$/) fail("unexpected text after a quoted string: " rest)
    SCALAR_KIND = "quoted"
    return out
  }
  # a plain scalar ends at " #"
  if ((i = index(text, " #")) > 0) text = substr(text, 1, i - 1)
  sub(/[ ]+$/, "", text)
  if (text == "[]") { SCALAR_KIND = "emptylist"; return "" }
  if (text == "{}") { SCALAR_KIND = "emptymap"; return "" }
  if (text == "" || text == "~" || text == "null") { SCALAR_KIND = "null"; return "" }
  c = substr(text, 1, 1)
  if (c == "[" || c == "{") fail("flow collections are not supported (write the list or map in block style): " text)
  if (c == "|" || c == ">") fail("block scalars (| or >) are not supported")
  if (c == "&" || c == "*") fail("anchors and aliases are not supported")
  if (c == "!") fail("tags are not supported")
  if (c == "@" || c == "`") fail("a plain scalar cannot start with " c ": quote it")
  if (text ~ /: / || text ~ /:$/) fail("a plain scalar cannot contain \": \": quote it: " text)
  SCALAR_KIND = "plain"
  return text
}

function value_node(path, text,    v) {
  v = scalar(text)
  if (SCALAR_KIND == "emptylist") emit(path, "list", "")
  else if (SCALAR_KIND == "emptymap") emit(path, "map", "")
  else emit(path, SCALAR_KIND, v)
}

# One "key: value" or "key:" at column col inside the map on top of the stack.
function map_entry(col, text,    key, rest, i, q, path) {
  q = substr(text, 1, 1)
  if (q == "'" || q == "\"") {
    i = index(substr(text, 2), q)
    if (i == 0) fail("unterminated quoted key")
    key = substr(text, 2, i - 1)
    rest = substr(text, i + 2)
    if (substr(rest, 1, 1) != ":") fail("expected \":\" after the key")
    rest = substr(rest, 2)
  } else {
    if (!match(text, /^[^ :#][^:#]*:( |$)/)) {
      if (text ~ /^\? /) fail("complex keys (?) are not supported")
      fail("expected \"key: value\", found: " text)
    }
    key = substr(text, 1, RLENGTH - (substr(text, RLENGTH, 1) == " " ? 2 : 1))
    sub(/[ ]+$/, "", key)
    rest = substr(text, RLENGTH + 1)
  }
  path = (s_path[depth] == "" ? "" : s_path[depth] ".") seg(key)
  sub(/^[ ]+/, "", rest)
  if (rest == "" || rest ~ /^#/) { pending = path; pending_ind = col; pending_item = 0 }
  else value_node(path, rest)
}

BEGIN { depth = 0; s_ind[0] = 0; s_path[0] = ""; s_kind[0] = "map"; started = 0; pending = "" }

{
  line = $0
  sub(/\r$/, "", line)
  if (line ~ /^[ ]*\t/) fail("tabs are not allowed in indentation")
  if (line ~ /^[ ]*(#.*)?$/) next
  if (line ~ /^---[ ]*(#.*)?$/) {
    if (started) fail("several documents in one file are not supported")
    next
  }
  if (line ~ /^\.\.\.[ ]*$/) fail("document end markers are not supported")
  if (line ~ /^%/) fail("directives are not supported")
  started = 1
  match(line, /^[ ]*/); n = RLENGTH; text = substr(line, n + 1)
  is_item = (text ~ /^-( |$)/)

  if (pending != "") {
    if (is_item && (pending_item ? n > pending_ind : n >= pending_ind)) push(n, pending, "list")
    else if (!is_item && n > pending_ind) push(n, pending, "map")
    else emit(pending, "null", "")
    pending = ""
  }
  while (depth > 0 && (s_ind[depth] > n || (s_ind[depth] == n && s_kind[depth] == "list" && !is_item))) depth--
  if (s_ind[depth] != n) fail("bad indentation")

  # A "- " item, possibly "- key: value" starting a map, possibly "- - x".
  col = n
  while (is_item) {
    if (s_kind[depth] != "list") fail("a list item where a key was expected")
    item = s_path[depth] "[" s_count[depth]++ "]"
    rest = substr(text, 2)
    match(rest, /^[ ]*/); col = col + 1 + RLENGTH; text = substr(rest, RLENGTH + 1)
    if (text == "" || text ~ /^#/) { pending = item; pending_ind = n; pending_item = 1; next }
    if (text ~ /^-( |$)/) { push(col, item, "list"); continue }
    if (text ~ /^("[^"]*"|'[^']*'|[^ :#'"\[{][^:#]*):( |$)/) { push(col, item, "map"); break }
    value_node(item, text)
    next
  }
  if (s_kind[depth] != "map") fail("expected a list item (\"- \")")
  map_entry(col, text)
}

END {
  if (failed) exit 1
  if (pending != "") emit(pending, "null", "")
}
