#include "introspection_docs.hpp"

#include <cstring>

#include <sdbus-c++/sdbus-c++.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-bus.h>

#include "introspection_docstrings.hpp"  // generated: generated_docs[]

namespace chatter::dbus {

namespace {

constexpr const char* introspectable = "org.freedesktop.DBus.Introspectable";

std::string attribute_escaped(const char* text) {
  std::string out;
  for (const char* c = text; *c; ++c) {
    switch (*c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\n': out += "&#10;"; break;
    default: out += *c;
    }
  }
  return out;
}

const char* doc_for(const documented_member* begin, const documented_member* end,
                    const std::string& interface, const std::string& kind,
                    const std::string& member) {
  for (auto* d = begin; d != end; ++d)
    if (interface == d->interface && kind == d->kind && member == d->member)
      return d->text;
  return nullptr;
}

// The element a tag at `tag` opens, when it is one that can carry docs.
std::string documented_kind(const std::string& xml, size_t tag) {
  for (const char* kind : {"interface", "method", "property", "signal"}) {
    auto length = std::strlen(kind);
    if (xml.compare(tag + 1, length, kind) == 0 && tag + 1 + length < xml.size()
        && (xml[tag + 1 + length] == ' ' || xml[tag + 1 + length] == '>'))
      return kind;
  }
  return {};
}

std::string name_attribute(const std::string& xml, size_t tag, size_t tag_end) {
  auto at = xml.find(" name=\"", tag);
  if (at == std::string::npos || at > tag_end)
    return {};
  at += std::strlen(" name=\"");
  return xml.substr(at, xml.find('"', at) - at);
}

// --- The filter and the question to ourselves ------------------------------

// A caller's Introspect, waiting for sd-bus's own answer to the same question.
struct waiting_caller {
  sd_bus_message* question;
};

void forget_caller(void* userdata) {
  auto* caller = static_cast<waiting_caller*>(userdata);
  sd_bus_message_unref(caller->question);
  delete caller;
}

int on_own_answer(sd_bus_message* answer, void* userdata, sd_bus_error*) {
  auto* caller = static_cast<waiting_caller*>(userdata);
  const char* xml = nullptr;
  if (sd_bus_message_is_method_error(answer, nullptr))
    sd_bus_reply_method_error(caller->question, sd_bus_message_get_error(answer));
  else if (sd_bus_message_read(answer, "s", &xml) >= 0)
    sd_bus_reply_method_return(
      caller->question, "s",
      with_docstrings(xml, std::begin(generated_docs), std::end(generated_docs)).c_str());
  else
    sd_bus_reply_method_errorf(caller->question, SD_BUS_ERROR_FAILED,
                               "introspection data unreadable");
  return 0;
}

int on_message(sd_bus_message* m, void*, sd_bus_error*) {
  if (!sd_bus_message_is_method_call(m, introspectable, "Introspect"))
    return 0;
  auto* bus = sd_bus_message_get_bus(m);
  const char* sender = sd_bus_message_get_sender(m);
  const char* self = nullptr;
  // Our own question (below), or a peer without a bus to route through:
  // sd-bus answers as always.
  if (!sender || sd_bus_get_unique_name(bus, &self) < 0 || std::strcmp(sender, self) == 0)
    return 0;
  auto* caller = new waiting_caller{sd_bus_message_ref(m)};
  sd_bus_slot* slot = nullptr;
  int r = sd_bus_call_method_async(bus, &slot, self, sd_bus_message_get_path(m), introspectable,
                                   "Introspect", on_own_answer, caller, "");
  if (r < 0) {
    forget_caller(caller);
    return 0;  // sd-bus answers, without the docs
  }
  // The bus keeps the call until the answer came (or the bus closed).
  sd_bus_slot_set_destroy_callback(slot, forget_caller);
  sd_bus_slot_set_floating(slot, 1);
  sd_bus_slot_unref(slot);
  return 1;
}

// sdbus-c++ 1.2 hands out no connection's sd_bus; a message made on the
// connection knows it, and sdbus::Message keeps its sd_bus_message in a
// protected member, which a derived class may name.
struct message_access : sdbus::Message {
  static sd_bus_message* raw(const sdbus::Message& m) {
    return static_cast<sd_bus_message*>(m.*(&message_access::msg_));
  }
};

sd_bus* bus_of(sdbus::IConnection& connection) {
  auto proxy = sdbus::createProxy(connection, "org.freedesktop.DBus", "/org/freedesktop/DBus");
  auto call = proxy->createMethodCall("org.freedesktop.DBus.Peer", "Ping");
  return sd_bus_message_get_bus(message_access::raw(call));
}

}  // namespace

std::string with_docstrings(const std::string& xml, const documented_member* docs_begin,
                            const documented_member* docs_end) {
  std::string out;
  std::string interface;
  size_t copied = 0;
  for (auto tag = xml.find('<'); tag != std::string::npos; tag = xml.find('<', tag + 1)) {
    auto tag_end = xml.find('>', tag);
    auto kind = documented_kind(xml, tag);
    if (tag_end == std::string::npos || kind.empty())
      continue;
    auto name = name_attribute(xml, tag, tag_end);
    if (kind == "interface")
      interface = name;
    const char* text =
      doc_for(docs_begin, docs_end, interface, kind, kind == "interface" ? "" : name);
    if (!text)
      continue;
    bool empty_element = xml[tag_end - 1] == '/';  // <property .../>: open it
    out.append(xml, copied, (empty_element ? tag_end - 1 : tag_end) - copied);
    out += std::string(">\n") + (kind == "interface" ? "  " : "   ")
      + "<annotation name=\"org.gtk.GDBus.DocString\" value=\"" + attribute_escaped(text) + "\"/>";
    if (empty_element)
      out += "\n  </" + kind + ">";
    copied = tag_end + 1;
  }
  out.append(xml, copied, std::string::npos);
  return out;
}

introspection_docs::introspection_docs(sdbus::IConnection& connection) {
  if (int r = sd_bus_add_filter(bus_of(connection), &filter_, on_message, nullptr); r < 0) {
    filter_ = nullptr;
    spdlog::warn("introspection without the API's docs: sd_bus_add_filter: {}", std::strerror(-r));
  }
}

introspection_docs::~introspection_docs() {
  sd_bus_slot_unref(filter_);
}

}  // namespace chatter::dbus
