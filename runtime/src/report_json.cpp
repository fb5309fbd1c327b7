// The JSON-lines form of a report: one object per line; formats a printed_report, decides nothing.
#include <cstdio>

#include "report.hpp"

namespace lockstep::rt {
namespace {

void append_string(std::string &out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void append_hex(std::string &out, std::uintptr_t value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "\"0x%llx\"", static_cast<unsigned long long>(value));
  out += buffer;
}

void append_key(std::string &out, const char *key) {
  if (out.back() != '{') out += ", ";
  append_string(out, key);
  out += ": ";
}

// A JSON array with one object per item; `fields` appends one item's keys and values.
template <class T, class Fields> void append_objects(std::string &out, const std::vector<T> &items, Fields fields) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += '{';
    fields(items[i]);
    out += '}';
  }
  out += ']';
}

void append_stack(std::string &out, const std::vector<frame> &frames) {
  append_objects(out, frames, [&](const frame &f) {
    append_key(out, "function"); append_string(out, f.function);
    append_key(out, "file"); append_string(out, f.file);
    append_key(out, "line"); out += std::to_string(f.line);
    append_key(out, "module"); append_string(out, f.module);
    append_key(out, "module_offset"); append_hex(out, f.module_offset);
    append_key(out, "pc"); append_hex(out, f.pc);
  });
}

}  // namespace

std::string format_report_json(const printed_report &r) {
  std::string out = "{";
  append_key(out, "kind"); append_string(out, r.kind);
  append_key(out, "summary"); append_string(out, r.summary);
  append_key(out, "location"); append_string(out, r.location);
  append_key(out, "pid"); out += std::to_string(r.pid);
  append_key(out, "events");
  append_objects(out, r.events, [&](const printed_event &e) {
    append_key(out, "description"); append_string(out, e.description);
    append_key(out, "thread"); out += std::to_string(e.thread);
    append_key(out, "stack"); append_stack(out, e.stack);
    if (!e.locks_known) return;  // not recorded: no "locks_held" rather than an empty list that says "none"
    append_key(out, "locks_held");
    append_objects(out, e.locks_held, [&](const printed_lock &l) {
      append_key(out, "address"); append_hex(out, l.address);
      append_key(out, "description"); append_string(out, l.description);
      append_key(out, "acquired_at"); append_stack(out, l.acquired_at);
    });
  });
  append_key(out, "objects");
  append_objects(out, r.objects, [&](const printed_object &o) {
    append_key(out, "address"); append_hex(out, o.address);
    append_key(out, "description"); append_string(out, o.description);
    append_key(out, "created_at"); append_stack(out, o.created_at);
  });
  append_key(out, "threads");
  append_objects(out, r.threads, [&](const printed_thread &t) {
    append_key(out, "id"); out += std::to_string(t.id);
    append_key(out, "name"); append_string(out, t.name);
    append_key(out, "main"); out += t.is_main ? "true" : "false";
    append_key(out, "finished"); out += t.finished ? "true" : "false";
    append_key(out, "parent"); out += std::to_string(t.parent);
    append_key(out, "created_at"); append_stack(out, t.created_at);
  });
  append_key(out, "missing_edge"); append_string(out, r.missing_edge);
  out += "}\n";
  return out;
}

}  // namespace lockstep::rt
