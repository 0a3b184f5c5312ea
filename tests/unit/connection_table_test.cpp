// The reaper's decisions (gateway/connection_table.hpp), on made-up scans
// and a made-up clock: which connections close, when, and which never do.
#include <gtest/gtest.h>

#include "hub/gateway/connection_table.hpp"

using namespace chatter;
using namespace std::chrono_literals;

namespace {

const peer_endpoint alice{"192.0.2.1", 40001};
const peer_endpoint idle{"192.0.2.66", 40002};
const peer_endpoint node{"192.0.2.9", 40003};

socket_seen sock(uint64_t inode, const peer_endpoint& peer) {
  return {inode, static_cast<int>(inode % 1000), peer};
}

std::vector<std::string> closed(connection_table& t, reaper_clock::time_point now) {
  std::vector<std::string> out;
  for (auto& o : t.due(now))
    out.push_back(o.socket.peer.str() + " " + o.why);
  return out;
}

class connection_table_test : public testing::Test {
protected:
  connection_table table{{5s, 30s}};
  reaper_clock::time_point t0 = reaper_clock::time_point{} + 1000s;
};

}  // namespace

TEST_F(connection_table_test, a_connection_without_hello_closes_at_the_handshake_deadline) {
  table.scanned({sock(1, idle)}, t0);
  EXPECT_TRUE(closed(table, t0 + 4999ms).empty());
  EXPECT_EQ(closed(table, t0 + 5s),
            std::vector<std::string>{"192.0.2.66:40002 no hello within 5 s"});
  // Ordered once: the socket lingers until CAF lets it go.
  table.scanned({sock(1, idle)}, t0 + 6s);
  EXPECT_TRUE(closed(table, t0 + 7s).empty());
  table.scanned({}, t0 + 8s);
  EXPECT_EQ(table.sockets(), 0u);
}

TEST_F(connection_table_test, the_clock_starts_when_a_scan_first_sees_the_socket) {
  table.scanned({sock(1, idle)}, t0);
  table.scanned({sock(1, idle), sock(2, alice)}, t0 + 3s);
  auto due = table.due(t0 + 6s);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].socket.inode, 1u);
  EXPECT_EQ(due[0].socket.fd, 1);
}

TEST_F(connection_table_test, a_member_who_logs_in_stays) {
  table.scanned({sock(1, alice)}, t0);
  table.member_hello(alice, t0 + 100ms);
  table.sessions(alice, 1, t0 + 2s);
  for (auto t = t0; t < t0 + 600s; t += 1s) {
    table.scanned({sock(1, alice)}, t);
    ASSERT_TRUE(closed(table, t).empty());
  }
}

TEST_F(connection_table_test, a_hello_without_a_session_closes_at_the_login_deadline) {
  table.scanned({sock(1, alice)}, t0);
  table.member_hello(alice, t0 + 1s);
  EXPECT_TRUE(closed(table, t0 + 30s).empty());  // past the handshake deadline: it said hello
  EXPECT_EQ(closed(table, t0 + 31s),
            std::vector<std::string>{"192.0.2.1:40001 no session for 30 s"});
}

TEST_F(connection_table_test, a_hello_before_the_first_scan_counts) {
  table.member_hello(alice, t0);
  table.scanned({sock(1, alice)}, t0 + 900ms);
  EXPECT_TRUE(closed(table, t0 + 10s).empty());
  EXPECT_EQ(closed(table, t0 + 30s).size(), 1u);
}

TEST_F(connection_table_test, a_second_hello_restarts_nothing) {
  table.scanned({sock(1, alice)}, t0);
  table.member_hello(alice, t0);
  table.member_hello(alice, t0 + 20s);
  EXPECT_EQ(closed(table, t0 + 30s).size(), 1u);
}

TEST_F(connection_table_test, the_login_deadline_restarts_when_the_last_session_ends) {
  table.scanned({sock(1, alice)}, t0);
  table.member_hello(alice, t0);
  table.sessions(alice, 2, t0 + 1s);
  table.sessions(alice, 1, t0 + 50s);  // one of two: still logged in
  EXPECT_TRUE(closed(table, t0 + 79s).empty());
  table.sessions(alice, 0, t0 + 80s);  // revoked, say: a new login is on its way
  EXPECT_TRUE(closed(table, t0 + 109s).empty());
  table.sessions(alice, 1, t0 + 81s);
  EXPECT_TRUE(closed(table, t0 + 200s).empty());
  table.sessions(alice, 0, t0 + 300s);
  EXPECT_TRUE(closed(table, t0 + 329s).empty());
  EXPECT_EQ(closed(table, t0 + 330s).size(), 1u);
}

TEST_F(connection_table_test, a_proven_node_is_never_closed) {
  table.scanned({sock(1, node)}, t0);
  table.node_hello(node);
  for (auto t = t0; t < t0 + 600s; t += 10s) {
    table.scanned({sock(1, node)}, t);
    ASSERT_TRUE(closed(table, t).empty());
  }
  table.gateway_ended(node);  // no gateway of its own: nothing changes
  EXPECT_TRUE(closed(table, t0 + 700s).empty());
}

TEST_F(connection_table_test, a_connection_whose_gateway_ended_is_closed) {
  table.scanned({sock(1, alice)}, t0);
  table.member_hello(alice, t0);
  table.sessions(alice, 1, t0);
  table.gateway_ended(alice);
  EXPECT_EQ(closed(table, t0 + 5s),
            std::vector<std::string>{"192.0.2.1:40001 no hello within 5 s"});
}

TEST_F(connection_table_test, what_was_heard_goes_with_the_socket) {
  table.scanned({sock(1, alice)}, t0);
  table.member_hello(alice, t0);
  table.sessions(alice, 1, t0);
  table.scanned({sock(1, alice)}, t0 + 500ms);
  table.scanned({}, t0 + 1s);  // closed by the member
  EXPECT_EQ(table.hellos(), 0u);
  // A new connection from the same address and port is a stranger.
  table.scanned({sock(2, alice)}, t0 + 2s);
  EXPECT_EQ(closed(table, t0 + 7s).size(), 1u);
  // Sessions of a gateway the table does not know change nothing.
  table.sessions(idle, 1, t0 + 7s);
  EXPECT_EQ(table.hellos(), 0u);
}

TEST_F(connection_table_test, a_hello_no_scan_matches_is_forgotten) {
  // A peer node answering over our own outgoing connection: not one we watch.
  table.node_hello(node);
  for (int i = 0; i < 3; ++i)
    table.scanned({sock(1, alice)}, t0 + std::chrono::seconds(i));
  EXPECT_EQ(table.hellos(), 0u);
}

TEST_F(connection_table_test, fractional_deadlines_read_well) {
  connection_table quick{{500ms, 1500ms}};
  quick.scanned({sock(1, idle), sock(2, alice)}, t0);
  quick.member_hello(alice, t0);
  EXPECT_EQ(closed(quick, t0 + 2s),
            (std::vector<std::string>{"192.0.2.66:40002 no hello within 0.5 s",
                                      "192.0.2.1:40001 no session for 1.5 s"}));
  EXPECT_EQ((peer_endpoint{"::1", 7}.str()), "[::1]:7");
}
