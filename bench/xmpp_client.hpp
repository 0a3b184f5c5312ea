// The bench's own XMPP load driver: plain TCP on loopback, SASL PLAIN,
// resource bind and session, then <message> stanzas, many in flight per
// pair, counted on the receiving connection. One thread and epoll for every
// connection, stanzas written in batches: it must cost the server's peers
// far less CPU than the server spends, or the rows would measure the driver
// (slixmpp did: it hid two thirds of Prosody's rate). Each load reports the
// driver thread's own CPU beside it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace chatter::bench {

class xmpp_connection;

// The accounts a driver of `pairs` pairs logs in as: senders alice0..,
// receivers bob0.., password "pw-<user>".
std::vector<std::string> xmpp_users(int pairs);

class xmpp_driver {
public:
  // Connects and logs in every user of `pairs` pairs at 127.0.0.1:port.
  xmpp_driver(uint16_t port, const std::string& domain, int pairs);
  ~xmpp_driver();
  xmpp_driver(const xmpp_driver&) = delete;
  xmpp_driver& operator=(const xmpp_driver&) = delete;

  struct result {
    long arrived = 0;
    double seconds = 0;              // first send to last arrival
    double driver_cpu_s = 0;         // this thread's CPU over the load
    std::vector<double> latency_ms;  // per message of pair 0: arrival - slot
    std::chrono::steady_clock::time_point last_arrival;
  };
  // `per_pair` messages over the first `pairs` pairs, at most `window` in
  // flight per pair. With `per_s` > 0, pair 0 sends on a schedule at that
  // rate instead (the paced phase) and the window is not the limit.
  result run(int pairs, int per_pair, int window, double per_s = 0);

private:
  using clock = std::chrono::steady_clock;
  struct pair_state;
  bool pump(pair_state& p, clock::time_point now);
  void receive(size_t index, result& out, std::vector<pair_state>& pairs);
  int epoll_ = -1;
  std::string domain_;
  std::vector<std::unique_ptr<xmpp_connection>> senders_, receivers_;
};

}  // namespace chatter::bench
