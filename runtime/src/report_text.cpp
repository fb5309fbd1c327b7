// The readable text layout of a report (TSan-like); formats a printed_report, decides nothing.
#include <cstdio>

#include "report.hpp"

namespace lockstep::rt {
namespace {

std::string hex(std::uintptr_t value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(value));
  return buffer;
}

void append_stack(std::string &out, const std::vector<frame> &frames) {
  if (frames.empty()) {
    out += "    <no stack>\n";
    return;
  }
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const frame &f = frames[i];
    out += "    #" + std::to_string(i) + " " + (f.function.empty() ? hex(f.pc) : f.function);
    if (!f.file.empty())
      out += " " + f.file + ":" + std::to_string(f.line);
    else if (!f.module.empty())
      out += " (" + f.module + "+" + hex(f.module_offset) + ")";
    out += "\n";
  }
}

std::string thread_name(std::uint64_t id) { return "T" + std::to_string(id); }

}  // namespace

std::string format_report_text(const printed_report &r) {
  const std::string pid = std::to_string(r.pid);
  std::string out = "==" + pid + "==lockstep: WARNING: " + r.title + " (pid=" + pid + ")\n";
  if (!r.detail.empty()) out += "  " + r.detail + "\n";
  for (const printed_event &e : r.events) {
    out += "  " + e.description + ":\n";
    append_stack(out, e.stack);
    if (!e.locks_known) continue;  // an earlier event whose held locks were not recorded
    out += "  Locks held: ";
    if (e.locks_held.empty()) out += "none";
    for (std::size_t i = 0; i < e.locks_held.size(); ++i) {
      const printed_lock &l = e.locks_held[i];
      if (i > 0) out += ", ";
      out += l.description;
      if (!l.acquired_where.empty() && !l.show_acquisition) out += " (acquired at " + l.acquired_where + ")";
    }
    out += "\n";
    for (const printed_lock &l : e.locks_held) {
      if (!l.show_acquisition) continue;
      out += "  " + l.description + " acquired at:\n";
      append_stack(out, l.acquired_at);
    }
  }
  for (const printed_object &o : r.objects) {
    out += "  " + o.description;
    if (o.address != 0) out += " at " + hex(o.address);
    if (o.created_at.empty()) {
      out += "\n";
    } else {
      out += " created at:\n";
      append_stack(out, o.created_at);
    }
  }
  for (const printed_thread &t : r.threads) {
    out += "  Thread " + thread_name(t.id);
    if (!t.name.empty()) out += " '" + t.name + "'";
    if (t.is_main) {
      out += " is the main thread\n";
      continue;
    }
    out += t.finished ? " (finished)" : " (running)";
    out += " created by " + thread_name(t.parent) + " at:\n";
    append_stack(out, t.created_at);
  }
  if (!r.missing_edge.empty()) out += "  Missing happens-before: " + r.missing_edge + "\n";
  out += "SUMMARY: lockstep: " + r.title;
  if (!r.location.empty()) out += " " + r.location;
  out += "\n";
  return out;
}

}  // namespace lockstep::rt
