// The benchmark's bookkeeping: each row is a metric measured for Chatter and
// for a reference in the same run, several times; the table shows medians
// (with min and max) and their ratio. Figures drift on a shared machine;
// ratios measured side by side hold.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <sys/types.h>

namespace chatter::bench {

struct row {
  std::string metric;     // what, and in what unit
  std::string reference;  // what Chatter is compared with
  std::vector<double> chatter_runs;
  std::vector<double> reference_runs;
};

struct settings {
  int runs = 5;        // each figure is the median of this many
  double scale = 1.0;  // iterations per run, relative to the defaults (--quick: 0.02)
  int iterations(int normal) const {
    return std::max(1, static_cast<int>(normal * scale));
  }
};

double median(std::vector<double> v);

// One run's pair of figures.
inline void record(row& r, double chatter, double reference) {
  r.chatter_runs.push_back(chatter);
  r.reference_runs.push_back(reference);
}

// Microseconds per call of `op`, over `n` calls.
double micros_per_op(int n, const std::function<void()>& op);

// One Markdown table: metric, Chatter, reference, ratio (medians; min-max
// beside each).
void print_markdown(const std::vector<row>& rows);
// `groups[i]` names the group of `rows[i]`; the rows already in `path` of
// the groups in `ran` go, the others stay.
void write_json(const std::vector<row>& rows, const std::vector<std::string>& groups,
                const std::set<std::string>& ran, const std::string& path);

// The 1:1 load every message row puts on Chatter and on its peers alike:
// senders each with one receiver, at most `window` messages sent and not
// yet received per pair (the receiving side counts them).
constexpr int relay_pairs = 4;      // hub relay rows: synthetic members, XMPP peers
constexpr int window = 256;         // messages in flight per pair, every load
constexpr size_t relay_batch = 32;  // envelopes per enqueue, the batched relay row

// What /proc says about a process: CPU (user+system) so far, resident memory.
double cpu_seconds(pid_t pid);
double rss_mib(pid_t pid);
// Times a thread of `pid` went to sleep waiting (voluntary context
// switches, summed over its threads): with one message at a time, each is
// a hand-off from one thread to another, or a wait on the network or disk.
long voluntary_switches(pid_t pid);
// The first process whose command line holds `needle` (0 when none).
pid_t pid_with_cmdline(const std::string& needle);
// The calling thread's, and this whole process's, own CPU so far (getrusage).
double thread_cpu_seconds();
double process_cpu_seconds();

// One sustained load: its rate, and what the server and the load's driver
// spent on it.
struct load_figures {
  double per_s = 0;
  double server_cpu_us = 0;   // per message, from /proc
  double server_rss_mib = 0;  // after the load
  double driver_share = 0;    // the load generator's CPU, share of one core
};

// An XMPP server under the fast driver (xmpp_peer.cpp, xmpp_client.cpp).
struct peer_figures {
  load_figures relay;                           // relay_pairs pairs
  load_figures e2e;                             // 1 pair, as Chatter's end-to-end rows
  double p50_ms = 0, p99_ms = 0;                // one message at a time
  double unloaded_switches = 0;                 // the server's, per message, one at a time
  double loaded_p50_ms = 0, loaded_p99_ms = 0;  // 1 pair at 80 % of e2e.per_s
  bool measured = false;
};

enum class xmpp_server { prosody, ejabberd };
const char* server_name(xmpp_server s);
// False when the server's Debian package is not installed.
bool peer_available(xmpp_server s);
// `relay_messages` over relay_pairs pairs, then `messages` over one pair,
// `unloaded` one at a time, and messages / 2 paced; the same as Chatter's.
peer_figures measure_peer(xmpp_server s, int relay_messages, int messages, int unloaded);

// Chatter's hub alone (cluster_rows.cpp): a `chatterd --listen` hub, relay_pairs
// synthetic members sending envelopes to as many others, `window` in flight.
// `batch` envelopes per enqueue (1: one per request), acks as delivered.
load_figures measure_hub_relay(int messages, size_t batch = 1);
// The same hub under `strace -c` from its start: its fsync and fdatasync
// calls per relayed message, beside the commits a hub that commits each
// write alone would make (one per envelope, one per ack).
std::vector<row> sync_rows(const settings& s);

// The groups of rows, one file each.
std::vector<row> crypto_rows(const settings& s);
std::vector<row> auth_rows(const settings& s);
std::vector<row> dbus_rows(const settings& s);
std::vector<row> message_rows(const settings& s);
std::vector<row> cluster_rows(const settings& s);
std::vector<row> store_rows(const settings& s);

}  // namespace chatter::bench
