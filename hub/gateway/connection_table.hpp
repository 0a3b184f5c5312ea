// Which of a hub's accepted connections the reaper closes, and why, from
// what it saw of the sockets and heard from the front and the gateways.
// Pure: it holds no socket and reads no clock, so a unit test drives it with
// made-up scans and times (tests/unit/connection_table_test.cpp).
//
// A connection is closed when
// - no hello came over it `hello` after it was first seen (an idle TCP
//   connection, or one stuck in CAF's handshake), or
// - it has held no session for `session`: since its hello, or since its
//   last session ended (a revoked member logging in again is not caught
//   between two sessions).
// A proven peer node of the cluster is never closed.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace chatter {

using reaper_clock = std::chrono::steady_clock;

// A connection's far end as CAF's middleman names it (get_atom on a node):
// the numeric host, as inet_ntop prints it, and the port.
struct peer_endpoint {
  std::string host;
  uint16_t port = 0;
  std::string str() const;
  friend bool operator<(const peer_endpoint& a, const peer_endpoint& b) {
    return std::tie(a.host, a.port) < std::tie(b.host, b.port);
  }
  friend bool operator==(const peer_endpoint& a, const peer_endpoint& b) {
    return a.host == b.host && a.port == b.port;
  }
};

// One accepted socket as a scan found it. The inode names the socket: a
// descriptor's number is reused as soon as CAF closes it.
struct socket_seen {
  uint64_t inode = 0;
  int fd = -1;
  peer_endpoint peer;
};

struct reap_order {
  socket_seen socket;
  std::string why;
};

struct reaper_deadlines {
  std::chrono::milliseconds hello{std::chrono::seconds(5)};
  std::chrono::milliseconds session{std::chrono::seconds(30)};
};

class connection_table {
public:
  using time_point = reaper_clock::time_point;

  explicit connection_table(reaper_deadlines deadlines = {}) : deadlines_(deadlines) {}

  // A scan: the sockets accepted on the hub's port that are open now. New
  // ones start their clock; those gone are forgotten, with their hellos.
  void scanned(const std::vector<socket_seen>& open, time_point now);

  // What the front heard over the connection from `peer`.
  void member_hello(const peer_endpoint& peer, time_point now);
  void node_hello(const peer_endpoint& peer);

  // Its gateway holds `count` sessions now.
  void sessions(const peer_endpoint& peer, size_t count, time_point now);

  // Its gateway ended: what was heard of the connection no longer holds.
  void gateway_ended(const peer_endpoint& peer);

  // The connections to close now. Each is ordered once: CAF takes a moment
  // to see the end of the stream and let the socket go.
  std::vector<reap_order> due(time_point now);

  size_t sockets() const {
    return sockets_.size();
  }
  size_t hellos() const {
    return hellos_.size();
  }

private:
  struct socket_entry {
    socket_seen seen;
    time_point first_seen;
    bool ordered = false;
  };
  struct hello_entry {
    bool node = false;
    size_t sessions = 0;
    time_point quiet_since;  // the hello, or the end of the last session
    bool matched = false;    // a scan saw its socket
    unsigned unmatched_scans = 0;
  };

  void forget_stale_hellos(const std::vector<socket_seen>& open);

  reaper_deadlines deadlines_;
  std::map<uint64_t, socket_entry> sockets_;     // by inode
  std::map<peer_endpoint, hello_entry> hellos_;  // by the connection's far end
};

}  // namespace chatter
