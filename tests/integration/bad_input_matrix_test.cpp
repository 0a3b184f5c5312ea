// The bad-input matrix: every method of every interface, read from the
// introspection XML in dbus/ (so a new method is covered the day it is
// added), called with empty, oversized (1 MiB), malformed and unknown
// arguments, on a logged-out and on a logged-in account, and with arguments
// of the wrong types. A call whose types match is answered with success or
// an org.chatter.Chatter1.Error.*; one whose types do not is refused by
// sd-bus itself, before our code runs, with org.freedesktop.DBus.Error.
// InvalidArgs. Never a hang, never NoReply, and the daemon answers a normal
// call after each one.
#include <cstdint>
#include <fstream>
#include <limits>
#include <regex>

#include <gtest/gtest.h>

#include "client_proxies.hpp"
#include "helpers.hpp"
#include "world.hpp"

using namespace chatter;

namespace {

struct method_spec {
  std::string interface, name, signature;
};

std::vector<method_spec> methods_of(const std::string& xml_file, const std::string& interface) {
  std::ifstream in(std::string(CHATTER_SOURCE_DIR) + "/dbus/" + xml_file);
  std::string xml((std::istreambuf_iterator<char>(in)), {});
  std::vector<method_spec> out;
  std::regex method(R"re(<method name="(\w+)">([\s\S]*?)</method>)re");
  std::regex in_arg(R"re(<arg type="([^"]+)" name="\w+" direction="in"/>)re");
  for (std::sregex_iterator m(xml.begin(), xml.end(), method), end; m != end; ++m) {
    std::string body = (*m)[2], signature;
    for (std::sregex_iterator a(body.begin(), body.end(), in_arg); a != end; ++a)
      signature += (*a)[1];
    out.push_back({interface, (*m)[1], signature});
  }
  return out;
}

struct scenario {
  const char* name;
  std::string text;
  int64_t number;
  uint32_t count;
};

const std::vector<scenario>& scenarios() {
  static const std::vector<scenario> all{
    {"empty", "", 0, 0},
    {"oversized", std::string(1024 * 1024, 'a'), std::numeric_limits<int64_t>::max(),
     std::numeric_limits<uint32_t>::max()},
    {"malformed", "Bad Name/../\t\x7f#", -1, 0},
    {"unknown", "nobody", 0, 10},
  };
  return all;
}

// Appends arguments of `signature`'s types, filled from `s`.
void append_args(sdbus::MethodCall& call, const std::string& signature, const scenario& s) {
  for (size_t i = 0; i < signature.size(); ++i) {
    if (signature.compare(i, 5, "a{sv}") == 0) {
      call << std::map<std::string, sdbus::Variant>{{s.text, sdbus::Variant(s.text)}};
      i += 4;
    } else if (signature.compare(i, 5, "a(ss)") == 0) {
      call << std::vector<sdbus::Struct<std::string, std::string>>{{s.text, s.text}};
      i += 4;
    } else if (signature.compare(i, 2, "as") == 0) {
      call << std::vector<std::string>{s.text, s.text};
      i += 1;
    } else if (signature[i] == 's') {
      call << s.text;
    } else if (signature[i] == 'x') {
      call << s.number;
    } else if (signature[i] == 'u') {
      call << s.count;
    } else {
      FAIL() << "the matrix does not know type '" << signature[i] << "'; teach it";
    }
  }
}

// The error name of a call, "" for success; "NoReply"-like names are the
// failures this test exists for.
std::string outcome(sdbus::IProxy& proxy, sdbus::MethodCall& call) {
  try {
    proxy.callMethod(call, 20'000'000);
    return "";
  } catch (const sdbus::Error& e) {
    return e.getName();
  }
}

class bad_input_matrix : public testing::Test {
protected:
  void SetUp() override {
    daemon_ = world_.start_daemon();
    conn_ = world_.bus.connect();
    manager_ = std::make_unique<client::manager_client>(*conn_);
    manager_->Register("alice", "pw-alice", {});
    manager_->Register("bob", "pw-bob", {});
    manager_->Login("bob", "pw-bob");
  }

  // Runs the whole matrix on the three objects; `alice_logged_in` says
  // which state alice's account must be in before each call.
  void run_matrix(bool alice_logged_in) {
    struct target {
      std::string path, xml, interface;
    };
    const std::vector<target> targets{
      {"/org/chatter/Chatter1", "org.chatter.Chatter1.Manager.xml", "org.chatter.Chatter1.Manager"},
      {client::account_path("alice"), "org.chatter.Chatter1.Account.xml",
       "org.chatter.Chatter1.Account"},
      {"/org/chatter/Chatter1/TuxDroid", "org.chatter.Chatter1.TuxDroid.xml",
       "org.chatter.Chatter1.TuxDroid"},
    };
    client::account_client alice(*conn_, client::account_path("alice"));
    for (auto& t : targets) {
      auto methods = methods_of(t.xml, t.interface);
      ASSERT_FALSE(methods.empty()) << t.xml;
      auto proxy = sdbus::createProxy(*conn_, "org.chatter.Chatter1", t.path);
      for (auto& m : methods) {
        for (auto& s : scenarios()) {
          if (alice_logged_in && !alice.Authenticated())
            manager_->Login("alice", "pw-alice");
          auto call = proxy->createMethodCall(m.interface, m.name);
          append_args(call, m.signature, s);
          auto got = outcome(*proxy, call);
          ++calls_;
          EXPECT_TRUE(got.empty() || got.rfind("org.chatter.Chatter1.Error.", 0) == 0)
            << m.name << "(" << m.signature << ") " << s.name << ": " << got;
          answered_by_name_[got.empty() ? "success" : got.substr(got.rfind('.') + 1)]++;
          ASSERT_NO_THROW(manager_->ListAccounts())
            << "the daemon stopped answering after " << m.name << " " << s.name;
        }
        // Wrong types: one int32 more than, or instead of, what it takes.
        auto call = proxy->createMethodCall(m.interface, m.name);
        call << int32_t{42};
        auto got = outcome(*proxy, call);
        ++calls_;
        EXPECT_EQ(got, "org.freedesktop.DBus.Error.InvalidArgs") << m.name << " with an int32";
        ASSERT_NO_THROW(manager_->ListAccounts());
      }
    }
  }

  test::world world_;
  std::unique_ptr<test::chatterd_process> daemon_;
  std::unique_ptr<sdbus::IConnection> conn_;
  std::unique_ptr<client::manager_client> manager_;
  size_t calls_ = 0;
  std::map<std::string, size_t> answered_by_name_;
};

}  // namespace

TEST_F(bad_input_matrix, every_method_answers_bad_arguments_with_a_named_error) {
  run_matrix(false);
  run_matrix(true);
  std::string summary;
  for (auto& [name, n] : answered_by_name_)
    summary += " " + name + "=" + std::to_string(n);
  std::printf("bad-input matrix: %zu calls, answers:%s\n", calls_, summary.c_str());
  EXPECT_GT(calls_, 200u);
  EXPECT_EQ(daemon_->terminate(), 0) << "a clean exit after the matrix";
}
