// with_docstrings(): the XML's comments go into sd-bus's introspection data
// as org.gtk.GDBus.DocString annotations, and nothing else changes.
#include <gtest/gtest.h>

#include "introspection_docs.hpp"

using namespace chatter::dbus;

namespace {

// As sd-bus writes it, trimmed.
const std::string sd_bus_xml = "<node>\n"
                               " <interface name=\"org.freedesktop.DBus.Peer\">\n"
                               "  <method name=\"Ping\"/>\n"
                               " </interface>\n"
                               " <interface name=\"org.x.Thing\">\n"
                               "  <method name=\"Do\">\n"
                               "   <arg type=\"s\" name=\"what\" direction=\"in\"/>\n"
                               "  </method>\n"
                               "  <property name=\"Size\" type=\"u\" access=\"read\"/>\n"
                               "  <signal name=\"Done\">\n"
                               "  </signal>\n"
                               " </interface>\n"
                               " <node name=\"child\"/>\n"
                               "</node>\n";

const documented_member docs[] = {
  {"org.x.Thing", "interface", "", "A thing.\nTwo lines."},
  {"org.x.Thing", "method", "Do", "does `what` & <more>, \"quoted\""},
  {"org.x.Thing", "property", "Size", "how big"},
  {"org.x.Thing", "signal", "Done", "it is done"},
  {"org.x.Other", "method", "Ping", "not this interface's Ping"},
};

std::string annotation(const std::string& value) {
  return "<annotation name=\"org.gtk.GDBus.DocString\" value=\"" + value + "\"/>";
}

}  // namespace

TEST(introspection_docs, annotate_each_documented_interface_and_member) {
  auto xml = with_docstrings(sd_bus_xml, std::begin(docs), std::end(docs));
  EXPECT_NE(
    xml.find(" <interface name=\"org.x.Thing\">\n  " + annotation("A thing.&#10;Two lines.")),
    std::string::npos)
    << xml;
  EXPECT_NE(xml.find("<method name=\"Do\">\n   "
                     + annotation("does `what` &amp; &lt;more&gt;, &quot;quoted&quot;")
                     + "\n   <arg type=\"s\" name=\"what\" direction=\"in\"/>"),
            std::string::npos)
    << xml;
  // An empty element is opened to hold its annotation.
  EXPECT_NE(xml.find("<property name=\"Size\" type=\"u\" access=\"read\">\n   "
                     + annotation("how big") + "\n  </property>"),
            std::string::npos)
    << xml;
  EXPECT_NE(xml.find("<signal name=\"Done\">\n   " + annotation("it is done")), std::string::npos);
  // Another interface's member of the same name, and the rest, untouched.
  EXPECT_NE(xml.find("  <method name=\"Ping\"/>\n"), std::string::npos) << xml;
  EXPECT_NE(xml.find(" <node name=\"child\"/>\n</node>\n"), std::string::npos) << xml;
}

TEST(introspection_docs, leave_undocumented_data_as_it_was) {
  EXPECT_EQ(with_docstrings(sd_bus_xml, std::begin(docs), std::begin(docs)), sd_bus_xml);
}
