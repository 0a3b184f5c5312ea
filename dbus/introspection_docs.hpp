// The API's documentation in chatterd's live introspection data. The
// comments of dbus/*.xml become org.gtk.GDBus.DocString annotations (the
// table is generated from the XML at build time by dbus_docs.py), so
// `gdbus introspect`, `busctl introspect --xml-interface` and D-Spy show
// them. sdbus-c++-xml2cpp drops annotations it does not know, and sd-bus
// writes the introspection data itself from its vtables, so they are added
// to sd-bus's own answer: a filter catches each caller's Introspect, asks
// the same object over the bus for sd-bus's XML, annotates it and answers
// the caller with that.
#pragma once

#include <string>

#include <sdbus-c++/IConnection.h>

struct sd_bus_slot;

namespace chatter::dbus {

// What the comment of one interface ("interface", member "") or member
// ("method", "property", "signal") says.
struct documented_member {
  const char* interface;
  const char* kind;
  const char* member;
  const char* text;
};

// `xml`, introspection data as sd-bus writes it, with an annotation
// <annotation name="org.gtk.GDBus.DocString" value="..."/> as the first
// child of each interface and member that `docs` documents.
std::string with_docstrings(const std::string& xml, const documented_member* docs_begin,
                            const documented_member* docs_end);

// While it lives, Introspect calls from other peers on `connection` are
// answered with the documented data. Create and destroy it on the thread
// that runs the connection.
class introspection_docs {
public:
  explicit introspection_docs(sdbus::IConnection& connection);
  ~introspection_docs();

  introspection_docs(const introspection_docs&) = delete;
  introspection_docs& operator=(const introspection_docs&) = delete;

private:
  sd_bus_slot* filter_ = nullptr;
};

}  // namespace chatter::dbus
