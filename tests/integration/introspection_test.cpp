// A running chatterd's introspection data carries the interface XML's
// comments as org.gtk.GDBus.DocString annotations, on every object of API
// v1, for every documented method, property and signal; the rest of what
// sd-bus says (standard interfaces, child nodes) is still there.
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "daemon_test.hpp"
#include "helpers.hpp"

using namespace chatter;

namespace {

const std::string docstring = "<annotation name=\"org.gtk.GDBus.DocString\" value=\"";

// The names of the members of `kind` the source XML documents with a comment.
std::vector<std::string> documented(const std::string& xml_file, const std::string& kind) {
  auto xml = test::read_file(std::string(CHATTER_SOURCE_DIR) + "/dbus/" + xml_file);
  std::regex member("-->\\s*<" + kind + " name=\"([A-Za-z]+)\"");
  std::vector<std::string> names;
  for (std::sregex_iterator i(xml.begin(), xml.end(), member), end; i != end; ++i)
    names.push_back((*i)[1]);
  return names;
}

class introspection : public test::daemon_test {
protected:
  std::string introspect(const std::string& path) {
    auto proxy = sdbus::createProxy(*conn_, "org.chatter.Chatter1", path);
    std::string xml;
    proxy->callMethod("Introspect")
      .onInterface("org.freedesktop.DBus.Introspectable")
      .storeResultsTo(xml);
    return xml;
  }

  // Every member the XML file documents has its DocString in `live`.
  void expect_documented(const std::string& live, const std::string& xml_file) {
    size_t checked = 0;
    for (auto* kind : {"method", "property", "signal"}) {
      auto names = documented(xml_file, kind);
      checked += names.size();
      for (auto& name : names) {
        auto at = live.find("<" + std::string(kind) + " name=\"" + name + "\"");
        ASSERT_NE(at, std::string::npos) << name << " not introspected";
        // The element's first child, on the next line.
        auto child = live.find_first_not_of(' ', live.find('\n', at) + 1);
        EXPECT_EQ(live.compare(child, docstring.size(), docstring), 0)
          << kind << " " << name << " has no DocString";
      }
    }
    EXPECT_GE(checked, 3u) << xml_file << ": the comments were not found";
  }
};

}  // namespace

TEST_F(introspection, every_object_carries_the_xml_comments) {
  start();
  join("alice");
  auto manager = introspect("/org/chatter/Chatter1");
  expect_documented(manager, "org.chatter.Chatter1.Manager.xml");
  EXPECT_NE(manager.find(docstring + "creates the account `user` on the hub."), std::string::npos)
    << manager;
  EXPECT_NE(manager.find(docstring + "org.chatter.Chatter1.Manager at /org/chatter/Chatter1."),
            std::string::npos)
    << "the interface's own comment";
  // What sd-bus puts there itself is kept.
  EXPECT_NE(manager.find("<interface name=\"org.freedesktop.DBus.ObjectManager\">"),
            std::string::npos);
  EXPECT_NE(manager.find("<node name=\"accounts\"/>"), std::string::npos) << manager;
  EXPECT_NE(manager.find("<node name=\"TuxDroid\"/>"), std::string::npos) << manager;

  auto account = introspect("/org/chatter/Chatter1/accounts/alice");
  expect_documented(account, "org.chatter.Chatter1.Account.xml");
  expect_documented(introspect("/org/chatter/Chatter1/TuxDroid"),
                    "org.chatter.Chatter1.TuxDroid.xml");
}

TEST_F(introspection, gdbus_shows_the_docs) {
  start();
  auto r = world_.run({"gdbus", "introspect", "--session", "--dest", "org.chatter.Chatter1",
                       "--object-path", "/org/chatter/Chatter1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("@org.gtk.GDBus.DocString(\"mutual challenge-response with the hub."),
            std::string::npos)
    << r.out;
}
