// D-Bus call overhead: cheap calls to chatterd beside the same calls to a
// bare sdbus-c++ service on the same private bus, from the same client
// connection. The property is answered by the bridge from its cache; the
// method goes through the account actor and back.
#include "client_proxies.hpp"
#include "harness.hpp"
#include "world.hpp"

namespace chatter::bench {

namespace {

constexpr const char* echo_name = "org.chatter.BenchEcho";
constexpr const char* echo_path = "/org/chatter/BenchEcho";

// The reference service: one method and one property, answered at once.
struct echo_service {
  explicit echo_service(const std::string& address)
    : conn(sdbus::createSessionBusConnectionWithAddress(address)),
      object(sdbus::createObject(*conn, echo_path)) {
    object->registerMethod("Echo").onInterface(echo_name).implementedAs(
      [](const std::string& s) { return s; });
    object->registerProperty("Name").onInterface(echo_name).withGetter(
      [] { return std::string("alice"); });
    object->finishRegistration();
    conn->requestName(echo_name);
    conn->enterEventLoopAsync();
  }
  ~echo_service() {
    conn->leaveEventLoop();
  }
  std::unique_ptr<sdbus::IConnection> conn;
  std::unique_ptr<sdbus::IObject> object;
};

}  // namespace

std::vector<row> dbus_rows(const settings& s) {
  test::world world;
  auto daemon = world.start_daemon();
  auto conn = world.bus.connect();
  client::manager_client manager(*conn);
  manager.Register("alice", "bench password", {});
  manager.Login("alice", "bench password");
  client::account_client alice(*conn, client::account_path("alice"));
  echo_service echo(world.bus.address());
  auto ref = sdbus::createProxy(*conn, echo_name, echo_path);

  row property{
    "D-Bus property read (Account.Username), us/call", "bare sdbus-c++ service, same bus", {}, {}};
  row method{"D-Bus method through an actor (Account.GetFingerprint), us/call",
             "bare sdbus-c++ method (Echo), same bus",
             {},
             {}};
  int n = s.iterations(3000);
  for (int run = 0; run < s.runs; ++run) {
    property.chatter_runs.push_back(micros_per_op(n, [&] { (void)alice.Username(); }));
    property.reference_runs.push_back(micros_per_op(n, [&] {
      sdbus::Variant v = ref->getProperty("Name").onInterface(echo_name);
      (void)v;
    }));
    method.chatter_runs.push_back(micros_per_op(n, [&] { (void)alice.GetFingerprint("alice"); }));
    method.reference_runs.push_back(micros_per_op(n, [&] {
      std::string out;
      ref->callMethod("Echo")
        .onInterface(echo_name)
        .withArguments(std::string("alice"))
        .storeResultsTo(out);
    }));
  }
  return {property, method};
}

}  // namespace chatter::bench
